import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SnsHttpReceiver } from './receiver.js';

/** The parts of an Express request the adapter reads (Express is not a dependency). */
interface ExpressLikeRequest extends IncomingMessage {
  body?: unknown;
}

/**
 * An Express route handler: `app.post('/sns', expressSnsHandler(receiver))`. Works with or without a
 * body parser (`express.text()`, `express.json()`, `express.raw()`): a parsed body is used, else the
 * raw stream is read. Errors go to `next`.
 */
export function expressSnsHandler(receiver: SnsHttpReceiver) {
  return (req: ExpressLikeRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    const body = req.body;
    if (
      body === undefined ||
      (typeof body === 'object' &&
        body !== null &&
        !(body instanceof Uint8Array) &&
        Object.keys(body).length === 0 &&
        !req.readableEnded &&
        req.readable)
    ) {
      receiver.handler(req, res);
      return;
    }
    receiver
      .handle(body as string | Uint8Array | object, req.headers)
      .then((answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      })
      .catch(next);
  };
}

/** The parts of a Fastify request and reply the adapter uses (Fastify is not a dependency). */
interface FastifyLikeRequest {
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}
interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  header(name: string, value: string): FastifyLikeReply;
  send(payload: unknown): unknown;
}

/**
 * A Fastify route handler: `app.post('/sns', fastifySnsHandler(receiver))`. Fastify parses SNS's
 * `text/plain` body as a string (and JSON as an object); both are verified the same way.
 */
export function fastifySnsHandler(receiver: SnsHttpReceiver) {
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply): Promise<unknown> => {
    const answer = await receiver.handle(
      (request.body ?? '') as string | Uint8Array | object,
      request.headers,
    );
    return reply
      .code(answer.status)
      .header('content-type', 'application/json')
      .send(JSON.stringify(answer.body));
  };
}
