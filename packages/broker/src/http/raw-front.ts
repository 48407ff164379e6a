import type { Socket } from 'node:net';
import { type AwsError, sqsErrors } from '../errors.js';
import type { WireResponse } from '../wire/json.js';
import type { WireRequest } from '../wire/router.js';
import { errorResponse, overBudget, tooLarge } from './errors.js';
import { DRAIN_BYTES, DRAIN_MS, type FrontOptions } from './front-options.js';
import { parseHead, type RequestHead } from './parser.js';
import { logRequest, pathOf, queryOf } from './request-line.js';
import { responseText } from './response-head.js';

/**
 * The raw HTTP/1.1 front: plain-HTTP connections read straight off their `node:net` socket, request
 * heads parsed by `parser.ts`, each answer written with one `socket.write` of head and body. It does
 * what node:http does for the requests AWS clients send (keep-alive, `Content-Length` bodies,
 * pipelining, GET with a query string, HEAD, `Connection: close`), at a fraction of its cost per
 * request (no IncomingMessage/ServerResponse streams, no header objects built twice).
 *
 * A request it does not parse itself (`'fallback'` from the parser: chunked bodies, `Expect`,
 * `Upgrade`, HTTP/1.0, anything malformed or over 16 KiB of head) is handed, with the connection and
 * every byte not yet answered, to node:http (`fallback`), which serves the connection from then on.
 * The limits are node:http's and the broker's: headers and request timeouts (408, as node), idle
 * keep-alive timeout, `maxBodyBytes` (413, with the rest of the body drained as in `node-front.ts`)
 * and the shared body budget (503).
 */
export interface RawFront {
  /** Serves a plain-HTTP connection whose first bytes, `first`, were already read off it. */
  accept(socket: Socket, first: Buffer): void;
  /** Closes idle connections now; busy ones get `Connection: close` on their answer and are closed after it. */
  closeIdle(): void;
  /** Closes every connection. */
  closeAll(): void;
  /** Stops the timeout checks (after the port is closed). */
  stop(): void;
}

/** How many bytes of pipelined requests are read ahead while an answer is pending, before the socket is paused. */
const READ_AHEAD_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
const REQUEST_TIMEOUT_RESPONSE = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

enum State {
  /** Waiting for (or reading) a request head. */
  Head = 0,
  /** Reading a body. */
  Body = 1,
  /** The request was routed; waiting for its answer. */
  Waiting = 2,
  /** Dropping the rest of a refused body. */
  Draining = 3,
  /** Answered with `Connection: close`; whatever arrives is dropped until the socket closes. */
  Closing = 4,
  /** Closed, or handed over to node:http. */
  Done = 5,
}

/** Builds the raw front; `fallback` gives a connection (its unread bytes pushed back on it) to node:http. */
export function createRawFront(options: FrontOptions, fallback: (socket: Socket) => void): RawFront {
  const connections = new Set<Connection>();
  let closing = false;
  const timer = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) connection.checkTimeouts(now);
  }, 1000).unref();
  return {
    accept(socket, first) {
      const connection = new Connection(socket, options, connections, fallback);
      if (closing) connection.closeAfterAnswer = true;
      connection.onData(first);
    },
    closeIdle() {
      closing = true;
      for (const connection of connections) connection.closeIfIdle();
    },
    closeAll() {
      for (const connection of connections) connection.socket.destroy();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** A request as the router sees it; the query string and the hang-up signal are built when first read. */
class RawRequest implements WireRequest {
  private parsedQuery: URLSearchParams | undefined;
  readonly path: string;

  constructor(
    readonly method: string,
    /** The request target as sent. */
    readonly url: string,
    readonly headers: Record<string, string | string[]>,
    readonly body: Buffer,
    private readonly connection: Connection,
  ) {
    this.path = pathOf(url);
  }

  get query(): URLSearchParams {
    this.parsedQuery ??= new URLSearchParams(queryOf(this.url));
    return this.parsedQuery;
  }

  get signal(): AbortSignal {
    return this.connection.signal();
  }
}

class Connection {
  closeAfterAnswer = false;
  private state = State.Head;
  /** Bytes read and not yet consumed (a partial head, or requests pipelined behind the current one). */
  private pending: Buffer | undefined;
  /** When the current request's first byte arrived (0: none yet); idle time runs from {@link idleSince}. */
  private requestStart = 0;
  private idleSince = Date.now();
  private head: RequestHead | undefined;
  private chunks: Buffer[] = [];
  private received = 0;
  /** Bytes taken from the body budget for the current request. */
  private held = 0;
  private dropLeft = 0;
  private drainTimer: NodeJS.Timeout | undefined;
  private aborter: AbortController | undefined;
  private hungUp = false;
  private started = 0;

  constructor(
    readonly socket: Socket,
    private readonly options: FrontOptions,
    private readonly connections: Set<Connection>,
    private readonly fallback: (socket: Socket) => void,
  ) {
    connections.add(this);
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
  }

  readonly onData = (chunk: Buffer): void => {
    switch (this.state) {
      case State.Head:
        if (this.requestStart === 0) this.requestStart = Date.now();
        this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
        this.run();
        return;
      case State.Waiting:
        this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
        if (this.pending.length > READ_AHEAD_BYTES) this.socket.pause();
        return;
      case State.Body:
        this.takeBody(chunk, 0);
        return;
      case State.Draining:
        this.drop(chunk, 0);
        return;
      default:
        return;
    }
  };

  private readonly onClose = (): void => {
    const waiting = this.state === State.Waiting;
    this.state = State.Done;
    this.connections.delete(this);
    this.release();
    clearTimeout(this.drainTimer);
    if (waiting) {
      this.hungUp = true;
      this.aborter?.abort();
    }
  };

  /** The current request's hang-up signal (made on first read: only long polls ask for it). */
  signal(): AbortSignal {
    if (this.aborter === undefined) {
      this.aborter = new AbortController();
      if (this.hungUp) this.aborter.abort();
    }
    return this.aborter.signal;
  }

  /** Parses and starts the requests in {@link pending} until one waits for more bytes or an answer. */
  private run(): void {
    while (this.state === State.Head && this.pending !== undefined) {
      const buf = this.pending;
      const head = parseHead(buf, 0);
      if (head === 'partial') return;
      if (head === 'fallback') {
        this.handOver(buf);
        return;
      }
      this.head = head;
      const rest = head.headBytes < buf.length ? buf.subarray(head.headBytes) : undefined;
      this.pending = undefined;
      this.chunks = [];
      this.received = 0;
      if (head.contentLength > this.options.maxBody) {
        this.refuse(tooLarge(this.options.maxBody));
        if (rest) this.onData(rest);
        return;
      }
      if (head.contentLength === 0) {
        this.pending = rest;
        this.dispatch(EMPTY);
        return;
      }
      this.state = State.Body;
      if (rest) this.takeBody(rest, 0);
    }
  }

  private takeBody(chunk: Buffer, offset: number): void {
    const head = this.head as RequestHead;
    const take = Math.min(head.contentLength - this.received, chunk.length - offset);
    if (!this.options.budget.take(take)) {
      this.refuse(overBudget(this.options.budget.limit));
      if (this.state === State.Draining) this.drop(chunk, offset);
      return;
    }
    this.held += take;
    this.received += take;
    this.chunks.push(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
    if (this.received < head.contentLength) return;
    const end = offset + take;
    this.pending = end < chunk.length ? chunk.subarray(end) : undefined;
    const chunks = this.chunks;
    this.chunks = [];
    this.dispatch(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
  }

  private dispatch(body: Buffer): void {
    const head = this.head as RequestHead;
    this.state = State.Waiting;
    this.aborter = undefined;
    this.hungUp = false;
    if (this.options.logRequests) this.started = performance.now();
    const request = new RawRequest(head.method, head.url, head.headers, body, this);
    this.options.route(request).then(
      (response) => this.answer(response, body),
      (error: unknown) => {
        this.options.logger.error({ err: error }, 'request failed');
        this.answer(errorResponse(head.headers, sqsErrors.internal()), body);
      },
    );
  }

  /** Writes the answer of the current request and moves on to the next one. */
  private answer(response: WireResponse, body: Buffer): void {
    this.release();
    if (this.state !== State.Waiting) return; // hung up
    const head = this.head as RequestHead;
    const close = !head.keepAlive || this.closeAfterAnswer;
    if (!this.write(response, close)) return;
    if (this.options.logRequests) this.log(response.status, body);
    if (close) {
      this.closeAfterWrite(0);
      return;
    }
    this.state = State.Head;
    this.idleSince = Date.now();
    this.requestStart = this.pending ? this.idleSince : 0;
    if (this.socket.isPaused()) this.socket.resume();
    this.run();
  }

  /** One `socket.write` of the whole answer; false (the connection closed) when it cannot be rendered. */
  private write(response: WireResponse, close: boolean): boolean {
    const head = this.head as RequestHead;
    let text: string;
    try {
      text = responseText(response, {
        head: head.method === 'HEAD',
        close,
        keepAliveSeconds: Math.floor(this.options.keepAliveTimeout / 1000),
      });
    } catch (error) {
      this.options.logger.error({ err: error }, 'response could not be written');
      this.socket.destroy();
      return false;
    }
    this.socket.write(text);
    return true;
  }

  private log(status: number, body: Buffer): void {
    const head = this.head as RequestHead;
    logRequest(
      this.options.logger,
      { method: head.method, url: head.url, headers: head.headers, body },
      status,
      performance.now() - this.started,
    );
  }

  /**
   * Answers `error` at once while the body may still be arriving, as `node-front.ts` does: the rest of
   * the announced body is read and dropped (up to {@link DRAIN_BYTES} or `maxBody`, for at most
   * {@link DRAIN_MS}) so that the client reads the answer; a body larger than that gets
   * `Connection: close` and the connection is closed a second after the answer.
   */
  private refuse(error: AwsError): void {
    const head = this.head as RequestHead;
    this.release();
    this.chunks = [];
    if (this.options.logRequests) this.started = performance.now();
    this.dropLeft = head.contentLength - this.received;
    const bound = Math.max(DRAIN_BYTES, this.options.maxBody);
    const close = this.dropLeft > bound || !head.keepAlive || this.closeAfterAnswer;
    if (!this.write(errorResponse(head.headers, error), close)) return;
    if (this.options.logRequests) this.log(error.status, EMPTY);
    if (close) {
      this.closeAfterWrite(1000);
      return;
    }
    if (this.dropLeft === 0) {
      this.next();
      return;
    }
    this.state = State.Draining;
    this.drainTimer = setTimeout(() => this.socket.destroy(), DRAIN_MS).unref();
  }

  private drop(chunk: Buffer, offset: number): void {
    const n = Math.min(this.dropLeft, chunk.length - offset);
    this.dropLeft -= n;
    if (this.dropLeft > 0) return;
    clearTimeout(this.drainTimer);
    this.pending = offset + n < chunk.length ? chunk.subarray(offset + n) : undefined;
    this.next();
  }

  /** Back to reading heads after a refused request. */
  private next(): void {
    this.state = State.Head;
    this.idleSince = Date.now();
    this.requestStart = this.pending ? this.idleSince : 0;
    this.run();
  }

  /** After an answer with `Connection: close`: the connection ends `ms` after it (bytes meanwhile dropped). */
  private closeAfterWrite(ms: number): void {
    this.state = State.Closing;
    this.pending = undefined;
    if (ms === 0) this.socket.end();
    else setTimeout(() => this.socket.destroy(), ms).unref();
    setTimeout(() => this.socket.destroy(), ms + 1000).unref();
  }

  private release(): void {
    if (this.held === 0) return;
    this.options.budget.give(this.held);
    this.held = 0;
  }

  /** Hands the connection, its unanswered bytes pushed back onto it, to node:http. */
  private handOver(rest: Buffer): void {
    this.state = State.Done;
    this.pending = undefined;
    this.connections.delete(this);
    const socket = this.socket;
    socket.off('data', this.onData);
    socket.off('close', this.onClose);
    socket.pause();
    socket.unshift(rest);
    this.fallback(socket);
  }

  /** Node's limits: headers and request timeouts (a 408, then closed), and the idle keep-alive timeout. */
  checkTimeouts(now: number): void {
    const { headersTimeout, requestTimeout, keepAliveTimeout } = this.options;
    if (this.state === State.Head && this.requestStart === 0) {
      if (now - this.idleSince > keepAliveTimeout) this.socket.destroy();
      return;
    }
    const late =
      (this.state === State.Head && now - this.requestStart > Math.min(headersTimeout, requestTimeout)) ||
      (this.state === State.Body && now - this.requestStart > requestTimeout);
    if (!late) return;
    this.state = State.Done;
    if (this.socket.writable) this.socket.write(REQUEST_TIMEOUT_RESPONSE);
    this.socket.destroy();
  }

  closeIfIdle(): void {
    this.closeAfterAnswer = true;
    if (this.state === State.Head && this.pending === undefined) this.socket.destroy();
  }
}
