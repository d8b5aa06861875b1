import { amountProblem, capacityProblem } from '../core/ledger/amounts.js';
import { POLICY_NAMES } from '../core/policy/index.js';
import { PREEMPTION_MODES } from '../core/preemption/preemption.js';
import { flagsOf } from '../lib/argv.js';
import { DEFAULT_CONFIG, type NodeConfig, type TenantConfig } from '../server/config.js';

/** The longest --max-line-bytes: a line is decoded into one string, and V8 strings stop short of 512 MiB. */
export const MAX_LINE_BYTES_LIMIT = 256 * 1024 * 1024;

/** Default --shutdown-grace-ms. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;

/** A command line that cannot be run; the process prints it and exits 2. */
export class FlagError extends Error {}

export type Command = { readonly kind: 'run'; readonly config: NodeConfig; readonly shutdownGraceMs: number; readonly service?: ServiceFlags; readonly http?: HttpFlags; readonly stateDir?: string } | { readonly kind: 'help' } | { readonly kind: 'version' };

/** Default --max-unread-bytes. */
export const DEFAULT_MAX_UNREAD_BYTES = 1024 * 1024;

/** Default --max-connections. */
export const DEFAULT_MAX_CONNECTIONS = 1024;

/** Running as a network service (docs/service.md): --listen and the flags that need it. */
export interface ServiceFlags {
  readonly host: string;
  readonly port: number;
  readonly tokenFile: string | undefined;
  readonly releaseOnDisconnect: boolean;
  readonly maxUnreadBytes: number;
  readonly maxConnections: number;
  /** Cluster mode (docs/cluster.md): present with --etcd. */
  readonly cluster?: ClusterFlags;
}

/** --etcd and the flags that go with it. */
export interface ClusterFlags {
  readonly endpoints: readonly string[];
  readonly name: string;
  /** What the other nodes dial to reach this one when it leads; default the bound --listen address. */
  readonly advertise: string | undefined;
}

/** --http: where to serve /metrics, /status and the dashboard (port 0 picks a free one), and the token they want. */
export interface HttpFlags {
  readonly host: string;
  readonly port: number;
  readonly tokenFile: string | undefined;
}

export const USAGE = `Usage: resource-node [flags]

A resource manager that speaks the Maelstrom protocol: one JSON message per line on
stdin, replies on stdout, logs on stderr.

Flags:
  --capacity T=N,...   total capacity per resource type      (default cpu=8,memory=16,gpu=2)
                       repeatable: repeats merge, a later value for a type wins
  --pool T=M1,M2,...   a resource type made of named members; repeatable
  --deterministic      ids alloc-1, alloc-2, ... and a virtual clock moved by "tick"
  --policy P           backfill | fifo | drf: how the queue drains (default backfill)
  --max-bypass N       grants that may pass the head of the queue before it reserves (default 100)
  --preemption M       off | lower-priority: may a request end allocations of lower
                       priority to make room                    (default off)
  --preemption-grace-ms N  how long a victim has to release before it is preempted (default 0)
  --max-queue N        most requests waiting at once            (default 100000)
  --max-jobs N         most jobs kept, running and waiting      (default 1000000)
  --max-allocations N  most allocations held at once            (default 1000000)
  --max-line-bytes N   longest accepted input line              (default 1048576, at most 268435456)
  --shutdown-grace-ms N  after end of input or a signal, how long unread replies may wait (default 5000)
  --admin SRC          a client who may release or renew any allocation; repeatable. Once
                       any is named, only admins may send set_capacity, set_tenant, init and tick
  --quota NAME=T:N,... most tenant NAME may hold at once, per type; repeatable: a later
                       --quota for the same tenant replaces its quota
  --weight NAME=W      tenant NAME's weight under --policy drf (positive, up to 3 decimals,
                       default 1); repeatable
  --listen HOST:PORT   also serve the protocol over TCP, one stream per connection (e.g.
                       127.0.0.1:7070; port 0 picks one); end of stdin no longer stops the node
  --token-file FILE    with --listen: each connection must first send auth with this secret;
                       with --http: every request must send it as a bearer token
  --release-on-disconnect  with --listen: a closed connection's clients lose what they hold
                       (job status "disconnected") and their waiting requests are withdrawn
  --max-unread-bytes N with --listen: replies a connection may leave unread before it is
                       closed                                   (default 1048576)
  --max-connections N  with --listen: connections served at once (default 1024)
  --http HOST:PORT     serve /metrics (Prometheus), /status and a live dashboard at /
                       over HTTP (e.g. 127.0.0.1:9464; port 0 picks one)
  --etcd URL,...       share one ledger with the other nodes of --cluster through etcd
                       (e.g. http://127.0.0.1:2379); needs --listen, where the leader is reached
  --cluster NAME       with --etcd: the nodes sharing one ledger (default "default")
  --advertise HOST:PORT  with --etcd: the address other nodes dial to reach this one
                       (default the address --listen bound)
  --state-dir DIR      keep the node's state in DIR, durably, and restore it on start
                       (docs/durability.md); one node per directory
  --help               this text
  --version            the version

Example:
  printf '%s\\n' '{"src":"c1","dest":"n1","body":{"type":"allocate","msg_id":1,"requirements":[{"type":"gpu","amount":1}]}}' | resource-node
`;

/** Parses argv (without node and script) into what to do. Throws FlagError. */
export function parseFlags(argv: readonly string[]): Command {
  let capacity: [string, number][] | undefined;
  const pools: [string, string[]][] = [];
  const admins: string[] = [];
  const tenants = new Map<string, TenantConfig>();
  let config: NodeConfig = DEFAULT_CONFIG;
  let stateDir: string | undefined;
  let shutdownGraceMs = DEFAULT_SHUTDOWN_GRACE_MS;
  let listen: [string, number] | undefined;
  const service = { tokenFile: undefined as string | undefined, releaseOnDisconnect: false, maxUnreadBytes: DEFAULT_MAX_UNREAD_BYTES, maxConnections: DEFAULT_MAX_CONNECTIONS };
  const needListen: string[] = [];
  let http: [string, number] | undefined;
  let etcd: string[] | undefined;
  let clusterName: string | undefined;
  let advertise: string | undefined;
  for (const { arg, name, value, noValue } of flagsOf(argv, (m) => new FlagError(m))) {
    switch (name) {
      case '--help':
      case '-h':
        noValue();
        return { kind: 'help' };
      case '--version':
        noValue();
        return { kind: 'version' };
      case '--deterministic':
        noValue();
        config = { ...config, deterministic: true };
        break;
      case '--capacity':
        capacity = mergeCapacity(capacity ?? [], parseCapacity(value()));
        break;
      case '--pool':
        pools.push(parsePool(value(), pools));
        break;
      case '--policy': {
        const p = value();
        const policy = POLICY_NAMES.find((name) => name === p);
        if (policy === undefined) throw new FlagError(`--policy must be ${POLICY_NAMES.slice(0, -1).join(', ')} or ${POLICY_NAMES.at(-1)}, not ${JSON.stringify(p)}`);
        config = { ...config, policy };
        break;
      }
      case '--preemption': {
        const m = value();
        const preemption = PREEMPTION_MODES.find((mode) => mode === m);
        if (preemption === undefined) throw new FlagError(`--preemption must be ${PREEMPTION_MODES.join(' or ')}, not ${JSON.stringify(m)}`);
        config = { ...config, preemption };
        break;
      }
      case '--preemption-grace-ms':
        config = { ...config, preemptionGraceMs: parseCount(name, value(), 0, 2_147_483_647) };
        break;
      case '--max-bypass':
        config = { ...config, maxBypass: parseCount(name, value(), 0) };
        break;
      case '--max-queue':
        config = { ...config, maxQueue: parseCount(name, value(), 1) };
        break;
      case '--max-line-bytes':
        config = { ...config, maxLineBytes: parseCount(name, value(), 1, MAX_LINE_BYTES_LIMIT) };
        break;
      case '--max-jobs':
        config = { ...config, maxJobs: parseCount(name, value(), 1) };
        break;
      case '--max-allocations':
        config = { ...config, maxAllocations: parseCount(name, value(), 1) };
        break;
      case '--shutdown-grace-ms':
        shutdownGraceMs = parseCount(name, value(), 0, 2_147_483_647);
        break;
      case '--http':
        http = parseAddress(name, value(), '127.0.0.1:9464');
        break;
      case '--admin': {
        const src = value();
        if (src === '') throw new FlagError('--admin needs a client name (the src its messages carry)');
        if (!admins.includes(src)) admins.push(src);
        break;
      }
      case '--quota': {
        const [tenant, quota] = parseQuota(value());
        tenants.set(tenant, { ...tenants.get(tenant), quota });
        break;
      }
      case '--weight': {
        const [tenant, weight] = parseWeight(value());
        tenants.set(tenant, { ...tenants.get(tenant), weight });
        break;
      }
      case '--listen':
        listen = parseListen(value());
        break;
      case '--token-file':
        service.tokenFile = value();
        if (service.tokenFile === '') throw new FlagError('--token-file needs a file name');
        break;
      case '--release-on-disconnect':
        noValue();
        service.releaseOnDisconnect = true;
        needListen.push(name);
        break;
      case '--max-unread-bytes':
        service.maxUnreadBytes = parseCount(name, value(), 1024);
        needListen.push(name);
        break;
      case '--max-connections':
        service.maxConnections = parseCount(name, value(), 1);
        needListen.push(name);
        break;
      case '--etcd':
        etcd = parseEndpoints(value());
        needListen.push(name);
        break;
      case '--cluster':
        clusterName = value();
        if (!/^[A-Za-z0-9._-]{1,64}$/.test(clusterName)) throw new FlagError(`--cluster: a name of 1 to 64 letters, digits, ".", "_" or "-", got ${JSON.stringify(clusterName)}`);
        break;
      case '--advertise': {
        const [host, port] = parseListen(value(), name);
        if (port === 0) throw new FlagError('--advertise needs the port other nodes dial, not 0');
        advertise = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        break;
      }
      case '--state-dir':
        stateDir = value();
        if (stateDir === '') throw new FlagError('--state-dir needs a directory');
        break;
      default:
        // A word without a leading dash is not a misspelt flag: say what it is.
        if (!arg.startsWith('-')) throw new FlagError(`unexpected argument ${JSON.stringify(arg)}: resource-node takes only flags`);
        throw new FlagError(`unknown flag ${JSON.stringify(arg)}`);
    }
  }
  const all = capacity ?? [...DEFAULT_CONFIG.capacity];
  for (const [type] of pools) {
    if (capacity?.some(([t]) => t === type)) throw new FlagError(`--pool ${type}: the type is also in --capacity; a pool's capacity is its member count`);
  }
  checkQuotaTypes(tenants, [...all.map(([t]) => t), ...pools.map(([t]) => t)]);
  if (etcd === undefined && clusterName !== undefined) throw new FlagError('--cluster needs --etcd URL');
  if (etcd === undefined && advertise !== undefined) throw new FlagError('--advertise needs --etcd URL');
  if (listen === undefined && needListen.includes('--etcd')) throw new FlagError('--etcd needs --listen HOST:PORT: the other nodes of the cluster reach the leader there');
  if (listen === undefined && needListen.length > 0) throw new FlagError(`${needListen[0]} needs --listen HOST:PORT`);
  if (listen === undefined && http === undefined && service.tokenFile !== undefined) throw new FlagError('--token-file needs --listen HOST:PORT or --http HOST:PORT');
  if (etcd !== undefined && config.deterministic) throw new FlagError('--etcd and --deterministic cannot go together: a cluster runs on real time');
  if (etcd !== undefined && service.releaseOnDisconnect) throw new FlagError("--etcd and --release-on-disconnect cannot go together: a follower's connection to the leader carries many clients");
  if (etcd !== undefined && stateDir !== undefined) throw new FlagError('--etcd and --state-dir cannot go together: a cluster keeps its ledger in etcd');
  if (etcd !== undefined && http !== undefined) throw new FlagError("--etcd and --http cannot go together yet: a node's metrics and dashboard show its own ledger, which a follower does not hold");
  const cluster = etcd === undefined ? {} : { cluster: { endpoints: etcd, name: clusterName ?? 'default', advertise } };
  // Recorded deadlines are wall-clock moments; the virtual clock starts again at 0.
  if (stateDir !== undefined && config.deterministic) throw new FlagError('--state-dir cannot be used with --deterministic: its virtual clock is not kept across restarts');
  return {
    kind: 'run',
    config: { ...config, capacity: all.filter(([t]) => !pools.some(([p]) => p === t)), pools, admins, tenants: [...tenants] },
    shutdownGraceMs,
    ...(listen === undefined ? {} : { service: { host: listen[0], port: listen[1], ...service, ...cluster } }),
    ...(http === undefined ? {} : { http: { host: http[0], port: http[1], tokenFile: service.tokenFile } }),
    ...(stateDir === undefined ? {} : { stateDir }),
  };
}

/** `HOST:PORT` of --listen; an IPv6 host goes in brackets (`[::1]:7070`). The host is required: where to listen is never guessed. */
function parseListen(text: string, flag = '--listen'): [string, number] {
  return parseAddress(flag, text, '127.0.0.1:7070');
}

/** `HOST:PORT` of --listen, --advertise or --http (`example` shows one). */
function parseAddress(flag: string, text: string, example: string): [string, number] {
  const colon = text.lastIndexOf(':');
  let host = colon < 0 ? '' : text.slice(0, colon);
  const portText = colon < 0 ? '' : text.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '' || portText === '') throw new FlagError(`${flag}: expected HOST:PORT such as ${example}, got ${JSON.stringify(text)}`);
  return [host, parseCount(`${flag} port`, portText, 0, 65535)];
}

/** `URL,...` of --etcd: etcd client URLs, http or https, each with a host. */
function parseEndpoints(text: string): string[] {
  const urls = text.split(',').map((u) => u.trim());
  for (const u of urls) {
    let url: URL | undefined;
    try {
      url = new URL(u);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      throw new FlagError(`--etcd: expected etcd client URLs such as http://127.0.0.1:2379, got ${JSON.stringify(u)}`);
    }
  }
  return urls;
}

/** `NAME=TYPE:AMOUNT,...` of --quota: the tenant and its quota in the order given. */
function parseQuota(text: string): [string, [string, number][]] {
  const eq = text.indexOf('=');
  const tenant = tenantName('--quota', text, eq);
  const quota: [string, number][] = [];
  for (const part of text.slice(eq + 1).split(',')) {
    // The last colon: a type name may hold one, an amount never does.
    const colon = part.lastIndexOf(':');
    const type = part.slice(0, colon).trim();
    const amountText = part.slice(colon + 1).trim();
    if (colon <= 0 || type === '' || amountText === '') throw new FlagError(`--quota ${tenant}: expected TYPE:AMOUNT, got ${JSON.stringify(part)}`);
    const amount = Number(amountText);
    if (capacityProblem(amount) !== undefined) {
      throw new FlagError(`--quota ${tenant}: ${type} must be a number from 0 to 1e12 with at most 3 decimals, got ${JSON.stringify(amountText)}`);
    }
    if (quota.some(([t]) => t === type)) throw new FlagError(`--quota ${tenant}: ${type} is given twice`);
    quota.push([type, amount]);
  }
  return [tenant, quota];
}

/** `NAME=W` of --weight. */
function parseWeight(text: string): [string, number] {
  const eq = text.indexOf('=');
  const tenant = tenantName('--weight', text, eq);
  const weightText = text.slice(eq + 1).trim();
  const weight = Number(weightText);
  if (weightText === '' || amountProblem(weight) !== undefined) {
    throw new FlagError(`--weight ${tenant}: the weight must be a positive number up to 1e12 with at most 3 decimals, got ${JSON.stringify(weightText)}`);
  }
  return [tenant, weight];
}

/** The tenant before the first `=` of a --quota or --weight value. */
function tenantName(flag: string, text: string, eq: number): string {
  const usage = flag === '--quota' ? 'NAME=TYPE:AMOUNT,...' : 'NAME=WEIGHT';
  if (eq < 0) throw new FlagError(`${flag}: expected ${usage}, got ${JSON.stringify(text)}`);
  const tenant = text.slice(0, eq).trim();
  if (tenant === '') throw new FlagError(`${flag}: the tenant name before "=" is missing in ${JSON.stringify(text)}`);
  if (tenant.length > MAX_NAME_LENGTH) throw new FlagError(`${flag}: the tenant name is longer than ${MAX_NAME_LENGTH} characters`);
  return tenant;
}

/** Names (tenants, like a message's `tenant`) are at most this long. */
const MAX_NAME_LENGTH = 256;

/** A quota may name only types the node has: said at start, not at the first request. */
function checkQuotaTypes(tenants: ReadonlyMap<string, TenantConfig>, types: readonly string[]): void {
  for (const [tenant, { quota }] of tenants) {
    const unknown = quota?.find(([t]) => !types.includes(t));
    if (unknown !== undefined) throw new FlagError(`--quota ${tenant}: ${unknown[0]} is not a resource type; known: ${types.join(', ')}`);
  }
}

function parseCapacity(text: string): [string, number][] {
  const out: [string, number][] = [];
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const type = part.slice(0, eq).trim();
    const amountText = part.slice(eq + 1).trim();
    if (eq <= 0 || type === '' || amountText === '') throw new FlagError(`--capacity: expected TYPE=AMOUNT, got ${JSON.stringify(part)}`);
    const amount = Number(amountText);
    if (capacityProblem(amount) !== undefined) {
      throw new FlagError(`--capacity: ${type} must be a number from 0 to 1e12 with at most 3 decimals, got ${JSON.stringify(amountText)}`);
    }
    if (out.some(([t]) => t === type)) throw new FlagError(`--capacity: ${type} is given twice`);
    out.push([type, amount]);
  }
  return out;
}

/** Later flags add types at the end or replace the amount of a type named before, in place. */
function mergeCapacity(earlier: readonly [string, number][], later: readonly [string, number][]): [string, number][] {
  const out = earlier.map(([t, n]): [string, number] => [t, n]);
  for (const [type, amount] of later) {
    const at = out.findIndex(([t]) => t === type);
    if (at < 0) out.push([type, amount]);
    else out[at] = [type, amount];
  }
  return out;
}

function parsePool(text: string, earlier: readonly [string, string[]][]): [string, string[]] {
  const eq = text.indexOf('=');
  const type = text.slice(0, eq).trim();
  const members = text.slice(eq + 1).split(',').map((m) => m.trim());
  if (eq <= 0 || type === '' || members.some((m) => m === '')) throw new FlagError(`--pool: expected TYPE=MEMBER,MEMBER,..., got ${JSON.stringify(text)}`);
  const repeated = members.find((m, i) => members.indexOf(m) !== i);
  if (repeated !== undefined) throw new FlagError(`--pool ${type}: member ${JSON.stringify(repeated)} is named twice`);
  if (earlier.some(([t]) => t === type)) throw new FlagError(`--pool ${type} is given twice`);
  return [type, members];
}

function parseCount(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || !/^[0-9]+$/.test(text)) throw new FlagError(`${flag} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  if (n > max) throw new FlagError(`${flag} must be at most ${max}, got ${text}`);
  return n;
}
