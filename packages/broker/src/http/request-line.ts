import type { Logger } from '../logger.js';
import { summarizeRequest } from '../wire/request-log.js';
import type { Headers } from './errors.js';

/** The path of a request target, without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** The query string of a request target, without `?` ('' when none). */
export function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

/** The `--verbose` line of a request: action, queue, status and time to answer. */
export function logRequest(
  logger: Logger,
  request: { method: string; url: string; headers: Headers; body: Buffer },
  status: number,
  ms: number,
): void {
  const { action, queue } = summarizeRequest(
    request.method,
    pathOf(request.url),
    new URLSearchParams(queryOf(request.url)),
    request.headers,
    request.body,
  );
  logger.info({ action, queue, status, ms: Math.round(ms * 10) / 10 }, `${action} ${status}`);
}
