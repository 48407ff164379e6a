import type { Logger } from '../logger.js';
import type { SnsState } from '../sns/state.js';
import type { SqsState } from '../sqs/state.js';
import type { WireResponse } from './json.js';
import type { CredentialStore } from './sigv4.js';

/** A request as the router sees it, protocol not yet known. */
export interface WireRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Aborted when the client disconnects before the answer (made on first read: read it only when needed). */
  signal?: AbortSignal;
}

/** What a route attached to the router may use of the broker. */
export interface RouteServices {
  sqs: SqsState;
  sns: SnsState;
  /** Region used when a request is not signed. */
  defaultRegion: string;
  logger: Logger;
  /** The broker's access keys, when it has some. */
  credentials?: CredentialStore;
}

/**
 * A route the composition attaches to the router (`Services.routes`), such as the dashboard's: the
 * wire layer knows nothing of what is above it. Attached routes are asked in order, after the
 * browser guard let the request through and before the AWS APIs; the first that matches answers.
 */
export interface Route {
  /** Whether this route answers the request (cheap: it is asked for every request). */
  matches(request: WireRequest): boolean;
  handle(request: WireRequest, services: RouteServices): Promise<WireResponse>;
  /** Its requests are left out of the per-action request metrics (they are no AWS API call). */
  readonly unmetered?: boolean;
}
