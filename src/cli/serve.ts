import { Hub } from '../adapters/hub.js';
import { boundAddress, listen } from '../adapters/tcp.js';
import { TokenFileError, loadToken, type Token } from '../adapters/token.js';
import { printable } from '../protocol/printable.js';
import { ResourceNode } from '../server/node.js';
import type { Command, ServiceFlags } from './flags.js';

/**
 * The node as a network service (--listen): TCP connections and stdin/stdout are streams of one
 * hub. End of stdin does not stop it; SIGTERM and SIGINT do, after writing what is owed.
 */
export async function serve(command: Extract<Command, { kind: 'run' }>, service: ServiceFlags, log: (line: string) => void): Promise<void> {
  let token: Token | undefined;
  try {
    token = service.tokenFile === undefined ? undefined : await loadToken(service.tokenFile);
  } catch (e) {
    if (!(e instanceof TokenFileError)) throw e;
    process.stderr.write(`resource-node: ${printable(e.message)}\n`);
    process.exit(2);
  }
  const { config } = command;
  const clock = Date.now;
  // The node's lines about bad input name the stream it came on.
  const node = new ResourceNode(config, { clock, log: (line) => log(hub.reading === undefined ? line : `${hub.reading}: ${line}`) });
  const hub: Hub = new Hub(node, {
    log,
    maxLineBytes: config.maxLineBytes,
    maxUnreadBytes: service.maxUnreadBytes,
    clock: config.deterministic ? undefined : clock,
    releaseOnDisconnect: service.releaseOnDisconnect,
  });
  // stdin is one more stream, trusted as the parent's: it needs no token, and its end is not a disconnect.
  const stdio = hub.attach(process.stdin, process.stdout, {
    name: 'stdin',
    endOutputWithInput: false,
    releasable: false,
    destroy: () => {
      process.stdin.destroy();
      stdio.closed();
    },
  });
  process.stdin.on('end', stdio.ended);
  // A parent that stopped reading leaves the service running for its connections.
  process.stdout.on('error', stdio.closed);
  listen(hub, { host: service.host, port: service.port, log, token, maxConnections: service.maxConnections }).then(
    (server) => {
      log(`listening on ${boundAddress(server)}`);
      const stop = (): void => {
        server.close();
        hub.stop(command.shutdownGraceMs, (undelivered) => {
          if (undelivered > 0) log(`stopped with ${undelivered === 1 ? '1 reply' : `${undelivered} replies`} not delivered: not read in time`);
          process.exit(0);
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (e: NodeJS.ErrnoException) => {
      log(`--listen ${service.host}:${service.port}: ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
      process.exit(2);
    },
  );
}
