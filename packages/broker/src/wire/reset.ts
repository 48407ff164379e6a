import { AwsError } from '../errors.js';
import type { WireResponse } from './json.js';

/**
 * The reset routes of the test servers suites already call between tests: moto's server mode
 * (`POST /moto-api/reset`) and LocalStack's (`POST /_localstack/state/reset`). Either clears every
 * queue, message, topic and subscription of the broker.
 */
export const RESET_PATHS: ReadonlySet<string> = new Set(['/moto-api/reset', '/_localstack/state/reset']);

function json(status: number, body: object): WireResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * Answers a request to a reset path. `reset` is undefined when the broker was started without
 * `allowReset` (`mega serve --allow-reset`): the route then answers 404 saying how to turn it on.
 * `authenticate` throws when the broker requires signed requests and this one is not (a reset is an
 * API request like any other: it is never reachable unsigned when credentials are required).
 * Like moto, only POST resets; another method is 400. The answer is moto's: `{"status": "ok"}`.
 */
export async function routeReset(
  method: string,
  reset: (() => Promise<void>) | undefined,
  authenticate: () => Promise<void>,
): Promise<WireResponse> {
  if (!reset) {
    return json(404, {
      error:
        'The reset API is off. Start the broker with `mega serve --allow-reset` (or the option allowReset: true) to use it.',
    });
  }
  try {
    await authenticate();
  } catch (error) {
    const e = error instanceof AwsError ? error : new AwsError('AccessDenied', 'Access denied.', 403);
    return json(e.status, { error: e.message, code: e.code });
  }
  if (method !== 'POST') return json(400, { error: 'Need to POST to reset the broker.' });
  await reset();
  return json(200, { status: 'ok' });
}
