import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the test application received. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real local HTTP application: records every request and answers through `respond` (default 200).
 * `respond` may answer late, never, or destroy the socket.
 */
export async function testApp(
  respond: (req: Received, res: ServerResponse) => void = (_q, r) => r.end('ok'),
) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const entry = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      received.push(entry);
      app.respond(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = {
    origin,
    received,
    respond,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return app;
}
