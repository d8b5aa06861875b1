import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from '../protocol/reply.js';
import { status } from '../server/handlers/status.js';
import type { ResourceNode } from '../server/node.js';
import { NodeCounters } from './http/counters.js';
import { nodeRegistry } from './http/metrics.js';
import { DASHBOARD_HTML } from './http/page.js';
import { DashboardState } from './http/snapshot.js';
import type { Token } from './token.js';

export { NodeCounters };

/** Dashboards watching at once; one more is answered 503. */
export const MAX_SSE_CLIENTS = 16;

/** How often the dashboard is sent what changed (at most), and how often a history sample is taken, in ms. */
const UPDATE_MS = 500;
const SAMPLE_MS = 1000;
/** A comment line now and then keeps idle proxies from closing the stream. */
const KEEPALIVE_MS = 15_000;

/** The cookie a dashboard opened with `?token=` carries afterwards; named by port, as browsers share cookies between the ports of a host. */
const cookieName = (port: number): string => `resource_node_token_${port}`;

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  /** With a token, every request must present it (docs/service.md#dashboard). */
  readonly token?: Token;
  readonly log: (line: string) => void;
}

export interface HttpEdge {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Serves /metrics, /status, the dashboard at / and its event stream at /events. Reads the
 * node's views only when asked (and once per update for the dashboard), so the protocol path pays
 * nothing but the counters' increments.
 */
export async function serveHttp(node: ResourceNode, counters: NodeCounters, o: HttpOptions): Promise<HttpEdge> {
  const registry = await nodeRegistry(node.manager, counters);
  const dashboard = new DashboardState(node.manager, counters, node.now);
  const watchers = new Set<ServerResponse>();
  /** The bound port, once listening. */
  let port = o.port;
  let sentChanges = -1;
  let sentWaiting = -1;

  const send = (res: ServerResponse, event: string, data: unknown): void => {
    // A dashboard that does not read misses updates rather than making the node buffer them.
    if (res.writableNeedDrain) return;
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const update = (force: boolean): void => {
    if (watchers.size === 0) return;
    if (!force && counters.changes === sentChanges && node.manager.waiting === sentWaiting) return;
    sentChanges = counters.changes;
    sentWaiting = node.manager.waiting;
    const snap = dashboard.snapshot(Date.now());
    for (const res of watchers) send(res, 'update', snap);
  };
  let sinceSample = 0;
  const tick = setInterval(() => {
    sinceSample += UPDATE_MS;
    if (sinceSample >= SAMPLE_MS) {
      sinceSample = 0;
      const s = dashboard.sample(Date.now());
      for (const res of watchers) send(res, 'sample', s);
      // Waiting requests' waits grow with nothing else changing: their table is sent again each second.
      update(node.manager.waiting > 0);
      return;
    }
    update(false);
  }, UPDATE_MS);
  const keepalive = setInterval(() => {
    for (const res of watchers) if (!res.writableNeedDrain) res.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  tick.unref();
  keepalive.unref();
  dashboard.sample(Date.now());

  const authorized = (req: IncomingMessage): boolean => {
    if (o.token === undefined) return true;
    const header = req.headers.authorization;
    if (header !== undefined && header.startsWith('Bearer ') && o.token.matches(header.slice(7).trim())) return true;
    const cookie = cookieValue(req.headers.cookie, cookieName(port));
    return cookie !== undefined && o.token.matches(cookie);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://node');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'only GET\n', { allow: 'GET, HEAD' });
    // A browser cannot send a header when opening a page: `/?token=` is taken once, kept in a cookie, and dropped from the address.
    const given = url.searchParams.get('token');
    if (url.pathname === '/' && given !== null && o.token !== undefined) {
      if (!o.token.matches(given)) return plain(res, 401, 'wrong token\n', { 'www-authenticate': 'Bearer' });
      res.writeHead(303, { location: '/', 'set-cookie': `${cookieName(port)}=${encodeURIComponent(given)}; Path=/; HttpOnly; SameSite=Strict`, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (!authorized(req)) return plain(res, 401, 'missing or wrong bearer token\n', { 'www-authenticate': 'Bearer' });
    switch (url.pathname) {
      case '/metrics': {
        const text = await registry.metrics();
        return plain(res, 200, text, { 'content-type': registry.contentType });
      }
      case '/status':
        return plain(res, 200, `${statusJson(node)}\n`, { 'content-type': 'application/json' });
      case '/':
        return plain(res, 200, DASHBOARD_HTML, { 'content-type': 'text/html; charset=utf-8' });
      case '/events':
        if (watchers.size >= MAX_SSE_CLIENTS) return plain(res, 503, `at most ${MAX_SSE_CLIENTS} dashboards at once\n`, { 'retry-after': '5' });
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        watchers.add(res);
        req.on('close', () => watchers.delete(res));
        send(res, 'history', { types: dashboard.types(), samples: dashboard.samples() });
        send(res, 'update', dashboard.snapshot(Date.now()));
        return;
      default:
        return plain(res, 404, 'not found: try /, /metrics, /status or /events\n');
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      o.log(`http: ${req.url ?? ''}: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) plain(res, 500, 'internal error; see the node\'s stderr\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => o.log(`http: ${e.message}`));
  const address = server.address() as AddressInfo;
  port = address.port;
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(tick);
        clearInterval(keepalive);
        for (const res of watchers) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body `status` answers (`status_ok`, without `in_reply_to`), as JSON text. */
export function statusJson(node: ResourceNode): string {
  const result = status({ type: 'status', msg_id: 0 }, { manager: node.manager, request: { src: '', dest: '', body: { type: 'status' } } as never, node: node.dispatcher.node, gate: undefined });
  const line = encode(undefined, { dest: '', via: '', type: result.type, fields: result.fields });
  return JSON.stringify((JSON.parse(line) as { body: unknown }).body);
}

function plain(res: ServerResponse, code: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
