import type { WireResponse } from '../json.js';
import type { WireRequest } from '../route.js';

/** `GET /health` (and HEAD): unsigned, before the browser guard, never counted in the request metrics. */
export function isHealthRequest(request: WireRequest): boolean {
  return request.path === '/health' && (request.method === 'GET' || request.method === 'HEAD');
}

/** The answer to `/health`: the broker's `health()` object (its store's state) as JSON. */
export function healthResponse(health: object): WireResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(health) };
}
