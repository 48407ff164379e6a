import { AwsError } from '../errors.js';
import type { SqsState } from '../sqs/state.js';
import type { RequestContext } from '../sqs/types.js';
import type { PeekStore } from '../store/index.js';
import type { WireResponse } from '../wire/json.js';
import type { Route, RouteServices, WireRequest } from '../wire/route.js';
import { hasCsrfToken, isAuthorized } from './access.js';
import type { ApiError } from './api.js';
import { COMMON_HEADERS, ICON_PATHS, isAsset, serveAsset, serveIcon, servePage } from './assets.js';
import { isCommand, runCommand } from './commands.js';
import { MAX_PEEK, peekMessages } from './messages.js';
import { dashboardState } from './snapshot.js';
import { Throughput, TICK_MS } from './throughput.js';

/**
 * The web dashboard, served on the broker's port: `GET /` (without `Action`) is the page, and under
 * `/_mega/` are its assets, its JSON API and its event stream:
 * - `GET /_mega/api/state`: queues (counts, dead-letter relations, redrives), topics, subscriptions;
 * - `GET /_mega/api/peek?region=&queue=&limit=`: messages read without receiving them;
 * - `POST /_mega/api/{send,purge,redrive}` (JSON, `x-mega-csrf` header): the SQS actions;
 * - `GET /_mega/events`: server-sent `state` events, about one a second;
 * - `GET /_mega/icon.svg` and `GET /favicon.ico`: the page's icon.
 */

/** Whether a request is the dashboard's rather than an AWS API call. */
export function isDashboardRequest(request: WireRequest): boolean {
  if (request.path.startsWith('/_mega/')) return true;
  if (request.path === '/favicon.ico') return request.method === 'GET' || request.method === 'HEAD';
  return (
    request.path === '/' &&
    (request.method === 'GET' || request.method === 'HEAD') &&
    !request.query.has('Action') &&
    request.headers['x-amz-target'] === undefined
  );
}

/** The dashboard, as a route the composition attaches to the router (`Services.routes`). */
export const dashboardRoute: Route = {
  matches: isDashboardRequest,
  handle: (request, services) => routeDashboard(request, services),
  // the page's own polling is no AWS API traffic
  unmetered: true,
};

/** Per broker: the read-only statements and the throughput sampler. */
interface Dashboard {
  peek: PeekStore;
  throughput: Throughput;
}
const dashboards = new WeakMap<SqsState, Dashboard>();

function dashboardOf(sqs: SqsState): Dashboard {
  let dashboard = dashboards.get(sqs);
  if (!dashboard) {
    dashboard = {
      peek: sqs.store.peek,
      throughput: new Throughput(sqs.store.messages.tally),
    };
    dashboards.set(sqs, dashboard);
  }
  return dashboard;
}

/** Answers a dashboard request (after the browser guard let it through). */
export async function routeDashboard(request: WireRequest, services: RouteServices): Promise<WireResponse> {
  if (!isAuthorized(request.headers, services.credentials)) {
    return {
      status: 401,
      headers: {
        ...COMMON_HEADERS,
        'content-type': 'text/plain; charset=utf-8',
        'www-authenticate': 'Basic realm="sqs-mega broker", charset="UTF-8"',
      },
      body: 'The broker has credentials: sign in with an access key id (user name) and its secret (password).\n',
    };
  }
  const { method, path } = request;
  const get = method === 'GET' || method === 'HEAD';
  try {
    if (path === '/' || path === '/_mega/') return get ? servePage() : methodNotAllowed('GET');
    if (isAsset(path)) return get ? serveAsset(path) : methodNotAllowed('GET');
    if (ICON_PATHS.includes(path)) return get ? serveIcon() : methodNotAllowed('GET');
    const dashboard = dashboardOf(services.sqs);
    const ctx: RequestContext = {
      region: services.defaultRegion,
      origin: `http://${String(request.headers.host ?? 'localhost')}`,
    };
    if (path === '/_mega/events')
      return get ? await events(request, services, dashboard, ctx) : methodNotAllowed('GET');
    if (path === '/_mega/api/state') {
      if (!get) return methodNotAllowed('GET');
      return json(200, await state(services, dashboard, ctx));
    }
    if (path === '/_mega/api/peek') {
      if (!get) return methodNotAllowed('GET');
      const q = request.query;
      const limit = Math.min(Math.max(Number.parseInt(q.get('limit') ?? '', 10) || 20, 1), MAX_PEEK);
      const region = q.get('region') || ctx.region;
      return json(
        200,
        peekMessages(services.sqs, dashboard.peek, { ...ctx, region }, q.get('queue') ?? '', limit),
      );
    }
    const command = path.slice('/_mega/api/'.length);
    if (path.startsWith('/_mega/api/') && isCommand(command)) {
      if (method !== 'POST') return methodNotAllowed('POST');
      if (!hasCsrfToken(request.headers)) {
        return apiError(403, 'InvalidCsrfToken', 'The request lacks the page’s CSRF token: reload the page.');
      }
      const body = parseBody(request);
      if (!body)
        return apiError(400, 'InvalidRequest', 'The request body must be a JSON object (application/json).');
      return json(200, await runCommand(services.sqs, ctx, command, body));
    }
    return apiError(404, 'NotFound', `No dashboard route ${path.slice(0, 100)}.`);
  } catch (error) {
    if (error instanceof AwsError) return apiError(error.status, error.code, error.message);
    services.logger.error({ err: error, path }, 'dashboard request failed');
    return apiError(500, 'InternalError', 'The broker failed to answer (see its log).');
  }
}

async function state(services: RouteServices, dashboard: Dashboard, ctx: RequestContext) {
  return dashboardState(
    services.sqs,
    services.sns,
    dashboard.peek,
    ctx.origin,
    dashboard.throughput.history(),
  );
}

/**
 * Server-sent events. Each response carries the current state as one `state` event, with the sample's
 * tick as its id, and asks the browser to reconnect at once (`retry: 50`): the reconnection carries
 * `Last-Event-ID`, and is answered at the next tick — one event a second, on the broker's plain
 * request/response path (no connection held open between ticks, so stopping the broker never waits).
 */
async function events(
  request: WireRequest,
  services: RouteServices,
  dashboard: Dashboard,
  ctx: RequestContext,
): Promise<WireResponse> {
  const lastId = request.headers['last-event-id'];
  const last = typeof lastId === 'string' ? Number.parseInt(lastId, 10) : Number.NaN;
  if (!Number.isNaN(last)) await dashboard.throughput.next(last, TICK_MS * 2);
  const data = await state(services, dashboard, ctx);
  return {
    status: 200,
    headers: { ...COMMON_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' },
    body: `retry: 50\nid: ${dashboard.throughput.tick}\nevent: state\ndata: ${JSON.stringify(data)}\n\n`,
  };
}

function parseBody(request: WireRequest): Record<string, unknown> | undefined {
  const type = String(request.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return undefined;
  try {
    const value: unknown = JSON.parse(request.body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function json(status: number, value: unknown): WireResponse {
  return {
    status,
    headers: { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

function apiError(status: number, error: string, message: string): WireResponse {
  return json(status, { error, message } satisfies ApiError);
}

function methodNotAllowed(allow: string): WireResponse {
  const response = apiError(405, 'MethodNotAllowed', `Use ${allow}.`);
  return { ...response, headers: { ...response.headers, allow } };
}
