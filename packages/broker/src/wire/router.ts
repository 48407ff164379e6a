import { isDashboardRequest, routeDashboard } from '../dashboard/routes.js';
import { AwsError, snsErrors, sqsErrors } from '../errors.js';
import type { Logger } from '../logger.js';
import { actionOf, type BrokerMetrics } from '../metrics.js';
import { snsActions } from '../sns/actions/index.js';
import { confirmSubscription, unsubscribe } from '../sns/actions/subscriptions.js';
import { CERTIFICATE_PREFIX } from '../sns/signing.js';
import type { SnsState } from '../sns/state.js';
import { sqsActions } from '../sqs/actions/index.js';
import type { SqsState } from '../sqs/state.js';
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
import { decodeQueryInput, encodeQueryError, encodeQueryOutput } from './query/index.js';
import { requestId as newRequestId } from './request-id.js';
import { RESET_PATHS, routeReset } from './reset.js';
import { type CredentialStore, verifySignature } from './sigv4.js';

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

/** What the router dispatches to. */
export interface Services {
  sqs: SqsState;
  sns: SnsState;
  defaultRegion: string;
  logger: Logger;
  health(): object;
  /** Refuses browsers on other sites and foreign Host headers. */
  guard: BrowserGuard;
  /** When set, every API request must carry a valid SigV4 signature by one of these keys. */
  credentials?: CredentialStore;
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
 * routes: `GET /health` (the store's state), `GET /metrics` (Prometheus, `metrics.ts`), and under `/sns/` the signing certificate and the
 * token-authenticated confirmation and unsubscribe links. A GET of `/` without `Action`, and everything
 * under `/_mega/`, is the dashboard's (`dashboard/routes.ts`). The moto and LocalStack reset paths are
 * `wire/reset.ts`'s (off unless `allowReset`).
 */
export async function route(request: WireRequest, services: Services): Promise<WireResponse> {
  const metrics = services.metrics;
  if (!metrics) return routeRequest(request, services);
  if (request.path === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) {
    const { contentType, body } = await metrics.render();
    return { status: 200, headers: { 'content-type': contentType }, body };
  }
  if (request.path === '/health' || isDashboardRequest(request)) return routeRequest(request, services);
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
  if (request.path === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(services.health()),
    };
  }
  try {
    services.guard.check(request.headers);
  } catch (error) {
    return header(request, 'x-amz-target') !== undefined
      ? encodeJsonError(error as AwsError, SQS_NAMESPACE, requestId)
      : queryError(error as AwsError, requestId);
  }
  if (isDashboardRequest(request)) return routeDashboard(request, services);
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
  if (request.path.startsWith('/sns/') && request.method === 'GET')
    return routeSnsLink(request, ctx, services, requestId);
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
  const handler =
    prefix === 'AmazonSQS' && Object.hasOwn(sqsActions, action) ? sqsActions[action] : undefined;
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

/** The unsigned SNS routes: the signing certificate, and the links SNS puts in what it delivers. */
async function routeSnsLink(
  request: WireRequest,
  ctx: RequestContext,
  services: Services,
  requestId: string,
): Promise<WireResponse> {
  const sns = services.sns;
  const q = request.query;
  // the certificate's name comes from the certificate: only a request for one makes the identity
  if (request.path.startsWith(`/sns/${CERTIFICATE_PREFIX}`) && request.path === `/sns/${sns.certificateFile}`)
    return {
      status: 200,
      headers: { 'content-type': 'application/x-pem-file' },
      body: sns.config.identity().certPem,
    };
  try {
    if (request.path === '/sns/confirm') {
      const output = await confirmSubscription(sns, ctx, {
        TopicArn: q.get('TopicArn'),
        Token: q.get('Token'),
      });
      return queryOk('sns', 'ConfirmSubscription', output, requestId);
    }
    if (request.path === '/sns/unsubscribe') {
      const subscription = sns.findSubscription(q.get('SubscriptionArn') ?? '');
      if (!subscription || subscription.token !== q.get('Token')) throw snsErrors.notFound('Subscription');
      return queryOk(
        'sns',
        'Unsubscribe',
        await unsubscribe(sns, ctx, { SubscriptionArn: subscription.arn }),
        requestId,
      );
    }
  } catch (error) {
    return queryError(asAwsError(error, services.logger, request.path), requestId, 'sns');
  }
  return queryError(new AwsError('NotFound', 'No such SNS link.', 404), requestId, 'sns');
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
  return Object.hasOwn(snsActions, action) && !Object.hasOwn(sqsActions, action) ? 'sns' : 'sqs';
}

function queryOk(service: 'sqs' | 'sns', action: string, output: object, requestId: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryOutput(service, action, output as Record<string, unknown>, requestId),
  };
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
    const snsHandler = Object.hasOwn(snsActions, action) ? snsActions[action] : undefined;
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
  const handler = Object.hasOwn(sqsActions, action) ? sqsActions[action] : undefined;
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

function queryError(error: AwsError, requestId: string, service: 'sqs' | 'sns' = 'sqs'): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryError(service, error, requestId),
  };
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

/** Anything that is not an AwsError is a bug or a store failure: logged, and an InternalError on the wire. */
function asAwsError(error: unknown, logger: Logger, action: string): AwsError {
  if (error instanceof AwsError) return error;
  logger.error({ err: error, action }, 'action failed');
  return sqsErrors.internal();
}
