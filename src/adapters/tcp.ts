import type { AddressInfo, Server, Socket } from 'node:net';
import type { Hub } from './hub.js';
import type { Token } from './token.js';

export interface TcpOptions {
  readonly host: string;
  readonly port: number;
  readonly log: (line: string) => void;
  /** The shared secret every connection must present first (--token-file); none when undefined. */
  readonly token: Token | undefined;
  /** Connections served at once; more are refused by closing them. */
  readonly maxConnections: number;
}

/**
 * Serves the protocol over TCP: each connection is one more stream of the hub, exactly like
 * stdin. Resolves with the server once it listens, rejects when it cannot bind.
 */
export async function listen(hub: Hub, o: TcpOptions): Promise<Server> {
  // Loaded only with --listen, so the stdio node's cold start does not grow.
  const { createServer } = await import('node:net');
  // allowHalfOpen: at a client's end of input its last line is still answered before the node ends its side.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => serve(hub, socket, o));
  server.maxConnections = o.maxConnections;
  server.on('drop', (d) => o.log(`connection from ${d?.remoteAddress ?? '?'}:${d?.remotePort ?? '?'} refused: ${o.maxConnections} connections open (--max-connections)`));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      server.on('error', (e) => o.log(`listener: ${e.message}`));
      resolve(server);
    });
  });
}

/** The address a listening server is bound to, as `HOST:PORT` (`[::1]:PORT` for IPv6). */
export function boundAddress(server: Server): string {
  const a = server.address() as AddressInfo;
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

function serve(hub: Hub, socket: Socket, o: TcpOptions): void {
  const name = `${socket.remoteAddress}:${socket.remotePort}`;
  const stream = hub.attach(socket, socket, {
    name,
    gate: o.token?.gate(),
    endOutputWithInput: true,
    releasable: true,
    destroy: () => socket.destroy(),
  });
  socket.on('end', stream.ended);
  socket.on('close', stream.closed);
  socket.on('error', (e: NodeJS.ErrnoException) => {
    // A client that goes away mid-write is ordinary; anything else is worth a line.
    if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') o.log(`${name}: ${e.code ?? e.message}`);
  });
}
