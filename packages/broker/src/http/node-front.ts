import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsError } from '../errors.js';
import { sqsErrors } from '../errors.js';
import type { WireResponse } from '../wire/json.js';
import { errorResponse, overBudget, tooLarge } from './errors.js';
import { DRAIN_BYTES, DRAIN_MS, type FrontOptions } from './front-options.js';
import { logRequest, pathOf, queryOf } from './request-line.js';

const EMPTY = Buffer.alloc(0);

/**
 * The node:http request handler: what the raw front (`raw-front.ts`) hands over — chunked bodies,
 * `Expect: 100-continue`, HTTP/1.0, odd or malformed input — and every HTTPS request.
 */
export function nodeHandler(options: FrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => handle(req, res, options);
}

function handle(req: IncomingMessage, res: ServerResponse, options: FrontOptions): void {
  const { maxBody, budget } = options;
  const chunks: Buffer[] = [];
  let size = 0;
  let body: Buffer = EMPTY;
  if (options.logRequests) {
    const started = performance.now();
    res.once('finish', () =>
      logRequest(
        options.logger,
        { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
        res.statusCode,
        performance.now() - started,
      ),
    );
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
    // A client that hangs up before its answer (say, during a long poll) must not be handed messages.
    // The signal is made when first asked for (by long polls): most requests never need one.
    let gone: AbortController | undefined;
    let hungUp = false;
    res.once('close', () => {
      if (res.writableFinished) return;
      hungUp = true;
      gone?.abort();
    });
    options
      .route({
        get signal() {
          if (gone === undefined) {
            gone = new AbortController();
            if (hungUp) gone.abort();
          }
          return gone.signal;
        },
        method: req.method ?? 'GET',
        path: pathOf(url),
        query: new URLSearchParams(queryOf(url)),
        headers: req.headers,
        body,
      })
      .then(
        (response) => send(res, response),
        (error: unknown) => {
          options.logger.error({ err: error }, 'request failed');
          send(res, errorResponse(req.headers, sqsErrors.internal()));
        },
      );
  });
}

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

function send(res: ServerResponse, response: WireResponse): void {
  if (res.destroyed) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}
