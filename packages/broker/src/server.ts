import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from 'node:net';
import { type Clock, systemClock } from './clock.js';
import { type BrokerCore, composeCore } from './compose.js';
import { dashboardRoute } from './dashboard/routes.js';
import { AwsError, sqsErrors } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { BrokerMetrics } from './metrics.js';
import { lazySigningIdentity } from './sns/certificate.js';
import { DEFAULT_ALLOW_HOSTS, HostAllowList } from './sns/delivery/allow-hosts.js';
import { resetTopics } from './sns/reset.js';
import type { SnsState } from './sns/state.js';
import { resetQueues } from './sqs/reset.js';
import type { SqsState } from './sqs/state.js';
import { isStorageFailure, storageFailureAdvice } from './store/database.js';
import { openStore, type Store } from './store/index.js';
import { SCHEMA_VERSION } from './store/schema.js';
import { BodyBudget } from './wire/body-budget.js';
import { BrowserGuard } from './wire/browser-guard.js';
import { credentialScope } from './wire/credentials.js';
import { encodeJsonError, type WireResponse } from './wire/json.js';
import { encodeQueryError } from './wire/query/index.js';
import { summarizeRequest } from './wire/request-log.js';
import { route, type Services } from './wire/router.js';
import type { CredentialStore } from './wire/sigv4.js';

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
  /**
   * Largest request body accepted, in bytes. Default 16 MiB. A larger body is refused with a 413
   * `RequestEntityTooLarge` in the request's protocol — as soon as its `Content-Length` announces it,
   * or once that many bytes arrived — without buffering it. The rest of the body is read and dropped so
   * that the client reads the answer (up to {@link DRAIN_BYTES} or this limit, whichever is larger, for
   * at most {@link DRAIN_MS}); past that the connection is closed.
   */
  maxBodyBytes?: number;
  /**
   * Most bytes of request bodies held in memory at once, across all connections; a request arriving
   * past it is refused with a 503 `ServiceUnavailable` (clients retry). Bounds memory when many large
   * requests arrive together (a parsed body briefly takes a few times its size). Default 32 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Most client connections open at once; the one over the limit gets a 503 `ServiceUnavailable` and
   * is closed. Default 1000.
   */
  maxConnections?: number;
  /** Time a client has to send a request's headers, in milliseconds (slow-loris guard). Default 10,000. */
  headersTimeoutMs?: number;
  /**
   * Time a client has to send a whole request, headers and body, in milliseconds. Waiting for the
   * reply (a 20 s long poll) does not count. Default 30,000.
   */
  requestTimeoutMs?: number;
  /**
   * Largest size of the database file, in bytes (SQLite's `max_page_count`). A write that would grow
   * it further is refused with a 503 `ServiceUnavailable` until space is freed (messages deleted or
   * expired) or the limit raised. Default: no limit but the disk's.
   */
  maxDatabaseBytes?: number;
  /**
   * Hosts SNS HTTP/S subscriptions may deliver to: host names (`*.example.com` for subdomains), IP
   * addresses and CIDR ranges. Default loopback only: `localhost`, `127.0.0.0/8`, `::1`.
   */
  snsAllowHosts?: readonly string[];
  /**
   * Access keys (id → secret). When given, every SQS and SNS API request must be signed (AWS
   * Signature Version 4) by one of them; the SNS links, the signing certificate and `/health` stay
   * open. Default none: no authentication, and the broker only binds to loopback addresses.
   */
  credentials?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Host names (besides loopback names) clients may address the broker by, e.g. a container name. */
  allowHosts?: readonly string[];
  /** Bind to a non-loopback address without credentials (anyone who can reach it can use it). Default false. */
  insecure?: boolean;
  /**
   * Log one line per request at `info` level through {@link logger}: `action`, `queue` (the queue or
   * topic the request names), `status` and `ms` (from the request's arrival to its answer sent).
   * Default false (`mega serve --verbose` turns it on).
   */
  logRequests?: boolean;
  /**
   * Serve the reset routes test suites call between tests, moto's `POST /moto-api/reset` and
   * LocalStack's `POST /_localstack/state/reset`: each deletes every queue, message, topic and
   * subscription. With credentials the request must be signed like any API request. Default false
   * (the routes answer 404); {@link Broker.reset} works either way.
   */
  allowReset?: boolean;
}

/** A running broker. */
export interface Broker {
  /** Base URL, e.g. `http://127.0.0.1:9324`: the endpoint for AWS clients. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * The SQS state (store, queues, clock), for the broker's own tests and test kit.
   * @internal Not in the published types (they name the SQLite store's types); may change any time.
   */
  readonly sqs: SqsState;
  /**
   * The SNS state (topics, subscriptions, signing identity, HTTP/S deliveries).
   * @internal Not in the published types, like `sqs`.
   */
  readonly sns: SnsState;
  readonly clock: Clock;
  /**
   * Deletes every queue (with its messages), topic and subscription, in every region, as a fresh
   * broker has none; waiting receives return empty and queue names are free again at once.
   */
  reset(): Promise<void>;
  /** Stops accepting requests, releases long polls, commits and closes the store. */
  stop(): Promise<void>;
}

/**
 * Starts a broker: opens (or creates, or migrates) the store and listens for SQS and SNS requests. The
 * port speaks HTTP and, for clients that verify SNS signatures (SigningCertURL is `https:`), HTTPS with
 * the broker's own certificate, kept in the data directory.
 */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const accountId = options.accountId ?? '000000000000';
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const credentials = credentialStore(options.credentials);
  const bindHost = options.host ?? '127.0.0.1';
  if (!isLoopback(bindHost) && !credentials && !options.insecure) {
    throw new Error(
      `Refusing to listen on ${bindHost} without credentials: anyone who can reach it could read and delete your messages. ` +
        'Give --credentials KEY:SECRET (clients then sign their requests), or --insecure if the network is trusted.',
    );
  }
  let sqs: SqsState | undefined;
  let sns: SnsState | undefined;
  const store = openStore(options, (cause) => {
    logger.error({ err: cause }, 'storage failure; the writes it affects were not stored');
    sqs?.queues.reload();
    sns?.reload();
    return sqsErrors.serviceUnavailable(
      isStorageFailure(cause)
        ? storageFailureAdvice(cause)
        : 'The broker could not store the request (see the broker log); nothing was changed. Retry later.',
    );
  });
  const metrics = new BrokerMetrics(() => sqs);
  store.onCommitTime((seconds) => metrics.commitTime(seconds));
  const identity = lazySigningIdentity(options.inMemory ? undefined : (options.dataDir ?? '.mega'), () =>
    clock.now(),
  );
  const core = composeCore(store, clock, {
    accountId,
    sns: {
      allowHosts: new HostAllowList(options.snsAllowHosts ?? DEFAULT_ALLOW_HOSTS),
      identity,
      logger,
      observer: metrics.sns,
    },
  });
  sqs = core.sqs;
  sns = core.sns;
  const sqsState = sqs;
  const snsReset = sns;
  const reset = async () => {
    await resetTopics(snsReset);
    await resetQueues(sqsState);
  };
  const services: Services = {
    sqs,
    sns,
    reset: options.allowReset ? reset : undefined,
    defaultRegion: options.region ?? 'us-east-1',
    logger,
    guard: new BrowserGuard({ allowedHosts: options.allowHosts, bindHost }),
    credentials,
    metrics,
    // the dashboard is attached here, by the composition: the wire layer knows nothing above it
    routes: [dashboardRoute],
    health: () => ({
      status: 'ok',
      store: store.engine,
      dataDir: options.inMemory ? null : (options.dataDir ?? '.mega'),
      schemaVersion: SCHEMA_VERSION,
      queues: sqs?.queues.all().length ?? 0,
      // deleted queues whose messages the sweeper is still reclaiming, a chunk at a time
      reclaimingDeletedQueues: sqs?.store.queues.deadQueues().length ?? 0,
    }),
  };
  const budget = new BodyBudget(options.maxBufferedBytes ?? 32 * 1024 * 1024);
  const logRequests = options.logRequests ?? false;
  const handler = (req: IncomingMessage, res: ServerResponse) =>
    handle(req, res, services, maxBody, budget, logger, logRequests);
  const limits = {
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    headersTimeout: Math.min(options.headersTimeoutMs ?? 10_000, options.requestTimeoutMs ?? 30_000),
    keepAliveTimeout: 60_000,
    connectionsCheckingInterval: 1_000,
  };
  const server = createServer(limits, handler);
  // TLS gets its key and certificate with its first connection (see lazySigningIdentity)
  const tls = createTlsServer(limits, handler);
  let tlsReady = false;
  const https = () => {
    if (!tlsReady) {
      const { keyPem, certPem } = identity();
      tls.setSecureContext({ key: keyPem, cert: certPem });
      tlsReady = true;
    }
    return tls;
  };
  const front = bothProtocols(server, https, options.maxConnections ?? 1000, limits.headersTimeout);
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port ?? 9324, bindHost, () => {
      front.off('error', reject);
      resolve();
    });
  });
  // The inner servers never listen themselves: 'listening' starts their connection tracking, which
  // closeIdleConnections and the request timeouts rely on.
  server.emit('listening');
  tls.emit('listening');
  const address = front.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const state = sqs;
  const snsState = sns;
  core.start();
  return {
    url: `http://${host}:${address.port}`,
    host: address.address,
    port: address.port,
    sqs: state,
    sns: snsState,
    clock,
    reset,
    stop: () => stop(front, [server, tls], core, store),
  };
}

function credentialStore(given: BrokerOptions['credentials']): CredentialStore | undefined {
  if (!given) return undefined;
  const store = new Map(given instanceof Map ? given : Object.entries(given));
  return store.size > 0 ? store : undefined;
}

/** Whether binding to `host` only exposes the broker to this machine. */
function isLoopback(host: string): boolean {
  return /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i.test(host);
}

/**
 * One port, two protocols: a TLS handshake starts with byte 0x16, which no HTTP request does; each
 * connection is handed to the HTTPS server (`https()`, which gets its certificate ready on the first
 * TLS connection) or the HTTP server accordingly. A connection that sends nothing
 * within `firstByteMs` is closed; one over `maxConnections` is answered 503 and closed.
 */
function bothProtocols(
  http: Server,
  https: () => Server,
  maxConnections: number,
  firstByteMs: number,
): TcpServer {
  let open = 0;
  return createTcpServer((socket) => {
    open++;
    socket.once('close', () => open--);
    socket.once('error', () => socket.destroy());
    socket.setTimeout(firstByteMs, () => socket.destroy());
    const refuse = open > maxConnections;
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      if (refuse) {
        refuseConnection(socket, first, maxConnections);
        return;
      }
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? https() : http).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
}

/** Answers the first request of a connection over the limit with a 503 in its protocol, and closes it. */
function refuseConnection(socket: Socket, first: Buffer, maxConnections: number): void {
  if (first[0] === 0x16) {
    socket.destroy();
    return;
  }
  const head = first.toString('latin1');
  const headers: Record<string, string> = /\r\nx-amz-target:/i.test(head) ? { 'x-amz-target': '' } : {};
  const response = errorResponse(
    headers,
    sqsErrors.serviceUnavailable(
      `The broker has too many open connections (limit ${maxConnections}). Retry later, or reuse connections.`,
    ),
  );
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

async function stop(front: TcpServer, servers: Server[], core: BrokerCore, store: Store): Promise<void> {
  core.stop();
  await new Promise<void>((resolve) => {
    front.close(() => resolve());
    for (const server of servers) {
      server.close(() => {}); // stops its connection checks; it was never listening itself
      server.closeIdleConnections();
    }
    setTimeout(() => {
      for (const server of servers) server.closeAllConnections();
    }, 1000).unref();
  });
  await store.close();
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
  maxBody: number,
  budget: BodyBudget,
  logger: Logger,
  logRequests: boolean,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let body: Buffer = EMPTY;
  if (logRequests) {
    const started = performance.now();
    res.once('finish', () => logRequest(logger, req, body, res.statusCode, performance.now() - started));
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    budget.give(size);
  };
  const refuse = (error: AwsError) => {
    chunks.length = 0;
    release();
    req.removeAllListeners('data');
    req.removeAllListeners('end');
    refuseBody(req, res, error, size, maxBody);
  };
  const announced = Number(req.headers['content-length'] ?? 0);
  if (announced > maxBody) {
    refuse(tooLarge(maxBody));
    return;
  }
  req.on('data', (chunk: Buffer) => {
    if (size + chunk.length > maxBody) return refuse(tooLarge(maxBody));
    if (!budget.take(chunk.length)) return refuse(overBudget(budget.limit));
    size += chunk.length;
    chunks.push(chunk);
  });
  req.on('error', () => {
    release();
    res.destroy();
  });
  res.once('finish', release);
  res.once('close', release);
  req.on('end', () => {
    body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    // A client that hangs up before its answer (say, during a long poll) must not be handed messages.
    // The signal is made when first asked for (by long polls): most requests never need one.
    let gone: AbortController | undefined;
    let hungUp = false;
    res.once('close', () => {
      if (res.writableFinished) return;
      hungUp = true;
      gone?.abort();
    });
    route(
      {
        get signal() {
          if (gone === undefined) {
            gone = new AbortController();
            if (hungUp) gone.abort();
          }
          return gone.signal;
        },
        method: req.method ?? 'GET',
        path: q < 0 ? url : url.slice(0, q),
        query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
        headers: req.headers,
        body,
      },
      services,
    ).then(
      (response) => send(res, response),
      (error: unknown) => {
        logger.error({ err: error }, 'request failed');
        send(res, errorResponse(req.headers, sqsErrors.internal()));
      },
    );
  });
}

function tooLarge(maxBody: number): AwsError {
  return new AwsError(
    'RequestEntityTooLarge',
    `The request body is larger than the broker's limit of ${maxBody} bytes (--max-body-bytes).`,
    413,
  );
}

function overBudget(limit: number): AwsError {
  return sqsErrors.serviceUnavailable(
    `The broker is holding ${limit} bytes of request bodies already (--max-buffered-bytes); retry shortly.`,
  );
}

const EMPTY = Buffer.alloc(0);

/** Least number of bytes of a refused body read and dropped so that its client reads the answer. */
export const DRAIN_BYTES = 64 * 1024 * 1024;
/** Longest time spent reading and dropping the rest of a refused body, in ms. */
export const DRAIN_MS = 10_000;

/**
 * Answers an error at once, in the request's protocol, while the client may still be sending its body.
 * Closing the connection then would reset it under the client's feet (most clients write the whole body
 * before they read: they see `write EPIPE` or `ECONNRESET`, never the answer). So the rest of the body
 * is read and dropped (never buffered) — up to {@link DRAIN_BYTES} or `maxBody`, whichever is larger,
 * for at most {@link DRAIN_MS} — and the connection stays usable. A body announced larger than that
 * bound, or one still arriving past it, gets the answer with `Connection: close` and the connection is
 * closed a second after the answer is out.
 */
function refuseBody(
  req: IncomingMessage,
  res: ServerResponse,
  error: AwsError,
  received: number,
  maxBody: number,
): void {
  const bound = Math.max(DRAIN_BYTES, maxBody);
  const announced = Number(req.headers['content-length'] ?? Number.NaN);
  const response = errorResponse(req.headers, error);
  const close = () => {
    response.headers.connection = 'close';
    res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref());
  };
  if (Number.isFinite(announced) && announced - received > bound) close();
  else if (!req.complete) {
    let dropped = 0;
    const timer = setTimeout(() => req.socket.destroy(), DRAIN_MS).unref();
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > bound) req.socket.destroy();
    });
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
  }
  req.resume();
  send(res, response);
}

/** The `--verbose` line of a request: action, queue, status and time to answer. */
function logRequest(logger: Logger, req: IncomingMessage, body: Buffer, status: number, ms: number): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const { action, queue } = summarizeRequest(
    req.method ?? 'GET',
    q < 0 ? url : url.slice(0, q),
    new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    req.headers,
    body,
  );
  logger.info({ action, queue, status, ms: Math.round(ms * 10) / 10 }, `${action} ${status}`);
}

/** An error rendered as AWS does in the request's protocol: JSON 1.0 when it has `X-Amz-Target`, else Query XML. */
function errorResponse(headers: IncomingMessage['headers'], error: AwsError): WireResponse {
  const requestId = randomUUID();
  if (headers['x-amz-target'] !== undefined) return encodeJsonError(error, 'com.amazonaws.sqs', requestId);
  const authorization = headers.authorization;
  const scope = credentialScope(Array.isArray(authorization) ? authorization[0] : authorization);
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryError(scope?.service === 'sns' ? 'sns' : 'sqs', error, requestId),
  };
}

function send(res: ServerResponse, response: WireResponse): void {
  if (res.destroyed) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}
