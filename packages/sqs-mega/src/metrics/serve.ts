import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Registry, register } from 'prom-client';

/** A running `/metrics` server. */
export interface MetricsServer {
  /** E.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Options of {@link serveMetrics}. */
export interface ServeMetricsOptions {
  /** Default: prom-client's global registry. */
  registry?: Registry;
  /** TCP port (default 9464, the OpenTelemetry Prometheus exporter's; 0 picks a free one). */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`; `0.0.0.0` to let a remote Prometheus scrape). */
  host?: string;
  /** Path served (default `/metrics`). */
  path?: string;
}

/** A `node:http` request handler answering with the registry's metrics (for your own server or framework). */
export function metricsHandler(registry: Registry = register) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  };
}

/** Serves the registry's metrics on `/metrics`, in one line: `await serveMetrics()`. */
export async function serveMetrics(options: ServeMetricsOptions = {}): Promise<MetricsServer> {
  const path = options.path ?? '/metrics';
  const handle = metricsHandler(options.registry);
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === path) void handle(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9464, host, resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}${path}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
