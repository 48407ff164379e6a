import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from './clock.js';
import { AwsError, sqsErrors } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { SqsState } from './sqs/state.js';
import { Store } from './store/index.js';
import { SCHEMA_VERSION } from './store/schema.js';
import type { WireResponse } from './wire/json.js';
import { route, type Services } from './wire/router.js';

/** How to start a broker. Every option has a default suited to local development. */
export interface BrokerOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** TCP port; 0 picks a free one. Default 9324. */
  port?: number;
  /** Directory of the durable store. Default `.mega` (relative to the working directory). */
  dataDir?: string;
  /** Keep everything in memory; nothing survives a stop. Default false. */
  inMemory?: boolean;
  /** fsync every commit (survives power loss; slower). Default false: survives process crashes. */
  fsync?: boolean;
  /** Region used when a request is not signed. Default `us-east-1`. */
  region?: string;
  /** Account id in queue URLs and ARNs. Default `000000000000`. */
  accountId?: string;
  /** Source of time and timers. Default the system clock; tests pass a `TestClock`. */
  clock?: Clock;
  /** Logger. Default a pino logger at `MEGA_LOG_LEVEL` (or `info`). */
  logger?: Logger;
  /** Largest request body accepted, in bytes. Default 16 MiB. */
  maxBodyBytes?: number;
}

/** A running broker. */
export interface Broker {
  /** Base URL, e.g. `http://127.0.0.1:9324`: the endpoint for AWS clients. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The SQS state (store, queues, clock), for test kits and embedding. */
  readonly sqs: SqsState;
  readonly clock: Clock;
  /** Stops accepting requests, releases long polls, commits and closes the store. */
  stop(): Promise<void>;
}

/** Starts a broker: opens (or creates, or migrates) the store and listens for SQS requests. */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const accountId = options.accountId ?? '000000000000';
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  let sqs: SqsState | undefined;
  const store = Store.open(options, (cause) => {
    logger.error({ err: cause }, 'commit failed; the writes of this group were not stored');
    sqs?.queues.reload();
    return sqsErrors.serviceUnavailable(
      'The broker could not store the request (see the broker log); nothing was changed. Retry later.',
    );
  });
  sqs = new SqsState(store, clock, { accountId });
  const services: Services = {
    sqs,
    defaultRegion: options.region ?? 'us-east-1',
    logger,
    health: () => ({
      status: 'ok',
      store: options.inMemory ? 'memory' : 'sqlite',
      dataDir: options.inMemory ? null : (options.dataDir ?? '.mega'),
      schemaVersion: SCHEMA_VERSION,
      queues: sqs?.queues.all().length ?? 0,
    }),
  };
  const server = createServer((req, res) => handle(req, res, services, maxBody, logger));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9324, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const state = sqs;
  return {
    url: `http://${host}:${address.port}`,
    host: address.address,
    port: address.port,
    sqs: state,
    clock,
    stop: () => stop(server, state, store),
  };
}

async function stop(server: Server, sqs: SqsState, store: Store): Promise<void> {
  sqs.polls.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  });
  store.close();
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
  maxBody: number,
  logger: Logger,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBody) {
      tooLarge = true;
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (tooLarge) {
      send(res, tooLargeResponse(maxBody));
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    route(
      {
        method: req.method ?? 'GET',
        path: q < 0 ? url : url.slice(0, q),
        query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
        headers: req.headers,
        body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
      },
      services,
    ).then(
      (response) => send(res, response),
      (error: unknown) => {
        logger.error({ err: error }, 'request failed');
        send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: 'InternalError' });
      },
    );
  });
}

function tooLargeResponse(maxBody: number): WireResponse {
  const error = new AwsError(
    'RequestEntityTooLarge',
    `Request body is larger than the limit of ${maxBody} bytes.`,
    413,
  );
  return {
    status: 413,
    headers: { 'content-type': 'application/json', 'x-amzn-query-error': `${error.code};Sender` },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${error.code}`, message: error.message }),
  };
}

function send(res: ServerResponse, response: WireResponse): void {
  if (res.destroyed) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}
