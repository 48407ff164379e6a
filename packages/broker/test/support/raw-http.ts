// Raw HTTP requests to the broker, below any AWS SDK: for malformed, oversized and hostile input, and
// the checks that an answer is a well-formed AWS error of the request's protocol.
import assert from 'node:assert/strict';
import { type Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

/** One request on a fresh connection; rejects on a network error or after `timeoutMs`. */
export function rawRequest(
  baseUrl: string,
  req: RawRequest,
  timeoutMs = 10_000,
  agent: Agent | false = false,
): Promise<RawResponse> {
  const url = new URL(req.path ?? '/', baseUrl);
  return new Promise((resolve, reject) => {
    const r = request(
      url,
      { method: req.method ?? 'POST', headers: req.headers, agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** A JSON 1.0 SQS request. */
export function jsonRequest(
  action: string,
  body: Buffer | string,
  extra: Record<string, string> = {},
): RawRequest {
  return {
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      ...extra,
    },
    body,
  };
}

/** A Query request (form-encoded POST body). */
export function queryRequest(
  body: Buffer | string,
  path = '/',
  extra: Record<string, string> = {},
): RawRequest {
  return { path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra }, body };
}

/** Asserts a well-formed JSON 1.0 error: `__type` and `message`, and the `x-amzn-query-error` header. */
export function assertJsonError(res: RawResponse, status?: number): { type: string; message: string } {
  if (status !== undefined) assert.equal(res.status, status, res.body);
  assert.match(res.headers['content-type'] as string, /^application\/x-amz-json-1\.0/);
  const parsed = JSON.parse(res.body) as { __type: unknown; message: unknown };
  assert.equal(typeof parsed.__type, 'string', res.body);
  assert.match(parsed.__type as string, /^com\.amazon(aws\.sqs|\.coral\.service)#\w+$/, res.body);
  assert.equal(typeof parsed.message, 'string', res.body);
  assert.match(String(res.headers['x-amzn-query-error']), /^[\w.]+;(Sender|Receiver)$/);
  return { type: parsed.__type as string, message: parsed.message as string };
}

/** Asserts a well-formed Query error: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`. */
export function assertQueryError(res: RawResponse, status?: number): string {
  if (status !== undefined) assert.equal(res.status, status, res.body);
  assert.match(res.headers['content-type'] as string, /^text\/xml/);
  const match =
    /^<ErrorResponse xmlns="[^"]+"><Error><Type>(Sender|Receiver)<\/Type><Code>([\w.]+)<\/Code><Message>[^<]*<\/Message><Detail\/><\/Error><RequestId>[\w-]+<\/RequestId><\/ErrorResponse>$/.exec(
      res.body,
    );
  assert.ok(match, `not a well-formed Query error: ${res.body.slice(0, 500)}`);
  return match[2] as string;
}

/** Opens a TCP connection to the broker; resolves once connected. */
export function openSocket(baseUrl: string): Promise<Socket> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with how long (ms) the socket took to be closed by the other side, rejecting after `timeoutMs`. */
export function closedWithin(socket: Socket, timeoutMs: number): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`connection still open after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    });
  });
}
