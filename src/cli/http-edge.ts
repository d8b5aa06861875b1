import type { DispatchObserver } from '../server/dispatcher.js';
import type { Store } from '../core/store.js';
import type { ResourceNode } from '../server/node.js';
import { TokenFileError, loadToken, type Token } from '../adapters/token.js';
import { printable } from '../protocol/printable.js';
import type { HttpFlags } from './flags.js';

/** --http before the node exists: what the node reports to, then a function that serves it. */
export interface HttpEdgeSetup {
  readonly io: { readonly store: Store; readonly observer: DispatchObserver };
  /** Serves the node; a bind that fails ends the process (exit 1). */
  serve(node: ResourceNode): Promise<void>;
}

/**
 * Loads the HTTP edge (and prom-client with it) only when --http is given, so a node without
 * it starts as fast as before (docs/service.md#metrics). A bad token file exits 2, as a bad flag.
 */
export async function prepareHttp(flags: HttpFlags, log: (line: string) => void): Promise<HttpEdgeSetup> {
  let token: Token | undefined;
  try {
    token = flags.tokenFile === undefined ? undefined : await loadToken(flags.tokenFile);
  } catch (e) {
    if (!(e instanceof TokenFileError)) throw e;
    process.stderr.write(`resource-node: ${printable(e.message)}\n`);
    process.exit(2);
  }
  const http = await loadHttpEdge();
  let nodeOf: ResourceNode | undefined;
  const counters = new http.NodeCounters(() => (nodeOf === undefined ? Date.now() : nodeOf.now()));
  return {
    io: { store: counters, observer: counters },
    async serve(node) {
      nodeOf = node;
      try {
        const edge = await http.serveHttp(node, counters, { host: flags.host, port: flags.port, token, log });
        const { address, port } = edge.address;
        log(`http: serving /metrics, /status and the dashboard at http://${address.includes(':') ? `[${address}]` : address}:${port}/`);
      } catch (e) {
        log(`--http ${flags.host}:${flags.port}: ${printable(e instanceof Error ? e.message : String(e))}`);
        process.exit(1);
      }
    },
  };
}

type HttpModule = typeof import('../adapters/http.js');

/** dist/http.js, built beside the program (scripts/build.mjs), by a path esbuild leaves alone: the program's bundle holds none of it. */
async function loadHttpEdge(): Promise<HttpModule> {
  return (await import(new URL('./http.js', import.meta.url).href)) as HttpModule;
}
