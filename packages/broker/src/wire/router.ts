import { AwsError, snsErrors, sqsErrors } from '../errors.js';
import { actionOf, type BrokerMetrics } from '../metrics.js';
import { snsActionNamed } from '../sns/actions/index.js';
import { sqsActionNamed } from '../sqs/actions/index.js';
import type { RequestContext } from '../sqs/types.js';
import type { BrowserGuard } from './browser-guard.js';
import { credentialScope } from './credentials.js';
import {
  decodeJsonInput,
  encodeJsonError,
  encodeJsonOutput,
  parseTarget,
  type WireResponse,
} from './json.js';
import { decodeQueryInput } from './query/index.js';
import { asAwsError, queryError, queryOk } from './query-responses.js';
import { requestId as newRequestId } from './request-id.js';
import { RESET_PATHS, routeReset } from './reset.js';
import type { Route, RouteServices, WireRequest } from './route.js';
import { healthResponse, isHealthRequest } from './routes/health.js';
import { isSnsLinkRequest, routeSnsLink } from './routes/sns-links.js';
import { type CredentialStore, verifySignature } from './sigv4.js';

export type { Route, RouteServices, WireRequest } from './route.js';

/** What the router dispatches to. */
export interface Services extends RouteServices {
  health(): object;
  /** Refuses browsers on other sites and foreign Host headers. */
  guard: BrowserGuard;
  /** When set, every API request must carry a valid SigV4 signature by one of these keys. */
  credentials?: CredentialStore;
  /** Routes the composition attaches (the dashboard's), asked after the browser guard; see {@link Route}. */
  routes?: readonly Route[];
  /** The broker's Prometheus metrics, served on `GET /metrics` (default: none, and no `/metrics`). */
  metrics?: BrokerMetrics;
  /**
   * Clears all queues, messages, topics and subscriptions; set only when the reset routes are on
   * (`allowReset`). See `wire/reset.ts`.
   */
  reset?: () => Promise<void>;
}

const SQS_NAMESPACE = 'com.amazonaws.sqs';
const CORAL = 'com.amazon.coral.service';
const SQS_VERSION = '2012-11-05';
const SNS_VERSION = '2010-03-31';
const QUEUE_PATH = /^\/[^/]+\/[^/]+\/?$/;

/**
 * The route table. JSON 1.0 requests (SQS) are recognised by `X-Amz-Target`; everything else with an
 * `Action` parameter is the Query protocol (form-encoded POST body, or GET query string), for SNS or
 * SQS by the SigV4 credential scope's service, else the `Version` parameter (SQS 2012-11-05, SNS
 * 2010-03-31), else the path (a queue URL path is SQS, and supplies `QueueUrl`). Named unsigned
 * routes: `GET /health` (the store's state, `routes/health.ts`), `GET /metrics` (Prometheus,
 * `metrics.ts`), and under `/sns/` the signing certificate and the token-authenticated confirmation and
 * unsubscribe links (`routes/sns-links.ts`). The routes the composition attaches (`services.routes`:
 * the dashboard's, a GET of `/` without `Action` and everything under `/_mega/`) come after the browser
 * guard. The moto and LocalStack reset paths are `wire/reset.ts`'s (off unless `allowReset`).
 */
export async function route(request: WireRequest, services: Services): Promise<WireResponse> {
  const metrics = services.metrics;
  if (!metrics) return routeRequest(request, services);
  if (request.path === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) {
    const { contentType, body } = await metrics.render();
    return { status: 200, headers: { 'content-type': contentType }, body };
  }
  if (isHealthRequest(request) || attached(request, services)?.unmetered)
    return routeRequest(request, services);
  const started = performance.now();
  const response = await routeRequest(request, services);
  metrics.observe({
    action: actionOf(request.headers, request.query, request.body),
    status: response.status,
    seconds: (performance.now() - started) / 1000,
  });
  return response;
}

/** The first value of a request header. */
function header(request: WireRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request context the actions see; the hang-up signal is the request's, read only when asked for. */
class Context implements RequestContext {
  constructor(
    readonly region: string,
    readonly origin: string,
    readonly accessKeyId: string | undefined,
    readonly traceHeader: string | undefined,
    private readonly request: WireRequest,
  ) {}

  get signal(): AbortSignal | undefined {
    return this.request.signal;
  }
}

async function routeRequest(request: WireRequest, services: Services): Promise<WireResponse> {
  const requestId = newRequestId();
  if (isHealthRequest(request)) return healthResponse(services.health());
  try {
    services.guard.check(request.headers);
  } catch (error) {
    return header(request, 'x-amz-target') !== undefined
      ? encodeJsonError(error as AwsError, SQS_NAMESPACE, requestId)
      : queryError(error as AwsError, requestId);
  }
  const named = attached(request, services);
  if (named) return named.handle(request, services);
  if (RESET_PATHS.has(request.path))
    return routeReset(request.method, services.reset, () => authenticate(request, services, ['sqs', 'sns']));
  const authorization = header(request, 'authorization');
  // the query string is parsed only when a presigned request may carry its credential there
  const scope = credentialScope(authorization, authorization ? undefined : request.query);
  const ctx = new Context(
    scope?.region ?? services.defaultRegion,
    `http://${header(request, 'host') ?? 'localhost'}`,
    scope?.accessKeyId,
    header(request, 'x-amzn-trace-id'),
    request,
  );
  if (isSnsLinkRequest(request)) return routeSnsLink(request, ctx, services.sns, services.logger, requestId);
  const target = header(request, 'x-amz-target');
  if (target !== undefined) return routeJson(target, request, ctx, services, requestId);
  return routeQuery(request, ctx, services, requestId, scope?.service);
}

async function routeJson(
  target: string,
  request: WireRequest,
  ctx: RequestContext,
  services: Services,
  requestId: string,
): Promise<WireResponse> {
  const { prefix, action } = parseTarget(target);
  const handler = prefix === 'AmazonSQS' ? sqsActionNamed(action) : undefined;
  if (!handler || request.method !== 'POST') {
    return encodeJsonError(
      new AwsError('UnknownOperationException', `Unknown operation ${target.slice(0, 128)}`),
      CORAL,
      requestId,
    );
  }
  try {
    await authenticate(request, services, ['sqs']);
  } catch (error) {
    return encodeJsonError(asAwsError(error, services.logger, action), SQS_NAMESPACE, requestId);
  }
  const input = decodeJsonInput(request.body);
  if (!input) {
    return encodeJsonError(
      new AwsError('SerializationException', 'The request body is not a valid JSON object.'),
      CORAL,
      requestId,
    );
  }
  try {
    return encodeJsonOutput(await handler(services.sqs, ctx, input), requestId);
  } catch (error) {
    return encodeJsonError(asAwsError(error, services.logger, action), SQS_NAMESPACE, requestId);
  }
}

/** Which service a Query request is for. */
function queryService(
  service: string | undefined,
  version: string | null,
  path: string,
  action: string,
): 'sqs' | 'sns' {
  if (service === 'sns' || service === 'sqs') return service;
  if (version === SNS_VERSION) return 'sns';
  if (version === SQS_VERSION || QUEUE_PATH.test(path)) return 'sqs';
  return snsActionNamed(action) !== undefined && sqsActionNamed(action) === undefined ? 'sns' : 'sqs';
}

async function routeQuery(
  request: WireRequest,
  ctx: RequestContext,
  services: Services,
  requestId: string,
  signedFor: string | undefined,
): Promise<WireResponse> {
  const params = new URLSearchParams(request.query);
  const contentType = String(request.headers['content-type'] ?? '');
  if (request.body.length > 0) {
    if (contentType !== '' && !contentType.startsWith('application/x-www-form-urlencoded')) {
      return queryError(
        new AwsError(
          'InvalidRequest',
          'Unsupported content type: expected application/x-www-form-urlencoded or application/x-amz-json-1.0.',
        ),
        requestId,
      );
    }
    for (const [k, v] of new URLSearchParams(request.body.toString('utf8'))) params.append(k, v);
  }
  const action = params.get('Action');
  if (!action) {
    return queryError(
      new AwsError('MissingAction', 'The request must contain the parameter Action.'),
      requestId,
    );
  }
  const version = params.get('Version');
  const service = queryService(signedFor, version, request.path, action);
  try {
    await authenticate(request, services, [service]);
  } catch (error) {
    return queryError(asAwsError(error, services.logger, action), requestId, service);
  }
  if (service === 'sns') {
    const snsHandler = snsActionNamed(action);
    if (!snsHandler || (version !== null && version !== SNS_VERSION))
      return queryError(snsErrors.invalidAction(action), requestId, 'sns');
    try {
      return queryOk(
        'sns',
        action,
        await snsHandler(services.sns, ctx, decodeQueryInput('sns', action, params)),
        requestId,
      );
    } catch (error) {
      return queryError(asAwsError(error, services.logger, action), requestId, 'sns');
    }
  }
  const handler = sqsActionNamed(action);
  if (!handler || (version !== null && version !== SQS_VERSION))
    return queryError(sqsErrors.invalidAction(action), requestId);
  const input = decodeQueryInput('sqs', action, params);
  if (input.QueueUrl === undefined && QUEUE_PATH.test(request.path))
    input.QueueUrl = `${ctx.origin}${request.path.replace(/\/$/, '')}`;
  try {
    return queryOk('sqs', action, await handler(services.sqs, ctx, input), requestId);
  } catch (error) {
    return queryError(asAwsError(error, services.logger, action), requestId);
  }
}

/**
 * When the broker has credentials, verifies the request's SigV4 signature (header or presigned) for
 * `services`; throws the AwsError AWS returns otherwise. Without credentials every request passes.
 */
async function authenticate(
  request: WireRequest,
  services: Services,
  allowed: readonly string[],
): Promise<void> {
  if (!services.credentials) return;
  const host = request.headers.host;
  await verifySignature(
    {
      method: request.method,
      host: Array.isArray(host) ? (host[0] ?? '') : (host ?? ''),
      path: request.path,
      query: request.query,
      headers: request.headers,
      body: request.body,
    },
    services.credentials,
    allowed,
    services.sqs.clock.now(),
  );
}

/** The first attached route that answers the request, if any. */
function attached(request: WireRequest, services: Services): Route | undefined {
  const routes = services.routes;
  if (routes === undefined) return undefined;
  for (const r of routes) if (r.matches(request)) return r;
  return undefined;
}
