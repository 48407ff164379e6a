import type { Server } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { errorResponse, tooManyConnections } from './errors.js';
import type { RawFront } from './raw-front.js';

/** Where the connections of the port go. */
export interface PortRoutes {
  /** The raw HTTP/1.1 front, which takes plain-HTTP connections first. */
  raw: RawFront;
  /** The HTTPS server, made ready (its certificate) on the first TLS connection. */
  https: () => Server;
  /** Most connections open at once. */
  maxConnections: number;
  /** Time a new connection has to send its first byte, in ms. */
  firstByteMs: number;
}

/**
 * One port, two protocols: a TLS handshake starts with byte 0x16, which no HTTP request does; a TLS
 * connection goes to the HTTPS server, a plain one to the raw front (which hands what it does not
 * parse to node:http, see `raw-front.ts`). A connection that sends nothing within `firstByteMs` is
 * closed; one over `maxConnections` is answered 503 and closed.
 */
export function listenBoth(routes: PortRoutes): TcpServer {
  let open = 0;
  return createTcpServer((socket) => {
    open++;
    socket.once('close', () => open--);
    socket.once('error', () => socket.destroy());
    socket.setTimeout(routes.firstByteMs, () => socket.destroy());
    const refuse = open > routes.maxConnections;
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      if (refuse) {
        refuseConnection(socket, first, routes.maxConnections);
        return;
      }
      if (first[0] !== 0x16) {
        routes.raw.accept(socket, first);
        return;
      }
      socket.pause();
      socket.unshift(first);
      handTo(routes.https(), socket);
    });
  });
}

/**
 * Gives a connection to a node:http (or https) server that never listens itself. The bytes already
 * read were pushed back onto the paused socket; it resumes once the server has taken it.
 */
export function handTo(server: Server, socket: Socket): void {
  server.emit('connection', socket);
  process.nextTick(() => socket.resume());
}

/** Answers the first request of a connection over the limit with a 503 in its protocol, and closes it. */
function refuseConnection(socket: Socket, first: Buffer, maxConnections: number): void {
  if (first[0] === 0x16) {
    socket.destroy();
    return;
  }
  const head = first.toString('latin1');
  const headers: Record<string, string> = /\r\nx-amz-target:/i.test(head) ? { 'x-amz-target': '' } : {};
  const response = errorResponse(headers, tooManyConnections(maxConnections));
  const status = `HTTP/1.1 ${response.status} Service Unavailable\r\n`;
  const lines = Object.entries({
    ...response.headers,
    'content-length': String(Buffer.byteLength(response.body)),
    connection: 'close',
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`${status}${lines}\r\n${response.body}`);
  socket.resume();
  setTimeout(() => socket.destroy(), 1000).unref();
}
