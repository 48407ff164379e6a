import type { Clock } from './clock.js';
import type { DRAIN_BYTES, DRAIN_MS } from './http/front-options.js';
import type { Logger } from './logger.js';
import type { SnsState } from './sns/state.js';
import type { SqsState } from './sqs/state.js';

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
   * The durable engine: `sqlite` (every read and write in SQLite, on the main thread) or `logged` (the
   * live state in memory, a journal, SQLite behind it on a worker thread; see docs/broker.md, "Storage engines").
   * Ignored with `inMemory`. Default: the environment variable `MEGA_STORE_ENGINE`, else `sqlite`.
   */
  engine?: 'sqlite' | 'logged';
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
