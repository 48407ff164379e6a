import type { Logger } from '../logger.js';
import type { BodyBudget } from '../wire/body-budget.js';
import type { WireResponse } from '../wire/json.js';
import type { WireRequest } from '../wire/router.js';

/** What both HTTP fronts (node:http's and the raw one) need: the limits, and where requests go. */
export interface FrontOptions {
  /** Answers one request (the router). */
  route(request: WireRequest): Promise<WireResponse>;
  /** Largest request body, in bytes. */
  maxBody: number;
  /** Bodies held in memory across connections. */
  budget: BodyBudget;
  logger: Logger;
  /** Log one line per request (`--verbose`). */
  logRequests: boolean;
  /** Time to send a request's headers, in ms. */
  headersTimeout: number;
  /** Time to send a whole request, in ms (waiting for the answer does not count). */
  requestTimeout: number;
  /** Time an idle keep-alive connection stays open, in ms. */
  keepAliveTimeout: number;
}

/** Least number of bytes of a refused body read and dropped so that its client reads the answer. */
export const DRAIN_BYTES = 64 * 1024 * 1024;
/** Longest time spent reading and dropping the rest of a refused body, in ms. */
export const DRAIN_MS = 10_000;
