import { randomUUID } from 'node:crypto';
import { AwsError, sqsErrors } from '../errors.js';
import type { Logger } from '../logger.js';
import { sqsActions } from '../sqs/actions/index.js';
import type { SqsState } from '../sqs/state.js';
import type { RequestContext } from '../sqs/types.js';
import { credentialScope } from './credentials.js';
import {
  decodeJsonInput,
  encodeJsonError,
  encodeJsonOutput,
  parseTarget,
  type WireResponse,
} from './json.js';
import { decodeQueryInput, encodeQueryError, encodeQueryOutput } from './query/index.js';

/** A request as the router sees it, protocol not yet known. */
export interface WireRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What the router dispatches to. */
export interface Services {
  sqs: SqsState;
  defaultRegion: string;
  logger: Logger;
  health(): object;
}

const SQS_NAMESPACE = 'com.amazonaws.sqs';
const CORAL = 'com.amazon.coral.service';
const SQS_VERSION = '2012-11-05';
const QUEUE_PATH = /^\/[^/]+\/[^/]+\/?$/;

/**
 * The route table. JSON 1.0 requests are recognised by `X-Amz-Target`; everything else with an
 * `Action` parameter is the Query protocol (form-encoded POST body, or GET query string; a queue URL
 * path supplies `QueueUrl`). `GET /health` reports the store's state.
 */
export async function route(request: WireRequest, services: Services): Promise<WireResponse> {
  const requestId = randomUUID();
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (request.path === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(services.health()),
    };
  }
  const scope = credentialScope(header('authorization'), request.query);
  const ctx: RequestContext = {
    region: scope?.region ?? services.defaultRegion,
    origin: `http://${header('host') ?? 'localhost'}`,
    accessKeyId: scope?.accessKeyId,
  };
  const target = header('x-amz-target');
  if (target !== undefined) return routeJson(target, request, ctx, services, requestId);
  return routeQuery(request, ctx, services, requestId);
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

async function routeQuery(
  request: WireRequest,
  ctx: RequestContext,
  services: Services,
  requestId: string,
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
    if (request.method === 'GET' && request.path === '/') {
      return {
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: 'sqs-mega broker: AWS SQS API (JSON 1.0 and Query protocols). GET /health for status.\n',
      };
    }
    return queryError(
      new AwsError('MissingAction', 'The request must contain the parameter Action.'),
      requestId,
    );
  }
  const version = params.get('Version');
  const handler = Object.hasOwn(sqsActions, action) ? sqsActions[action] : undefined;
  if (!handler || (version !== null && version !== SQS_VERSION))
    return queryError(sqsErrors.invalidAction(action), requestId);
  const input = decodeQueryInput('sqs', action, params);
  if (input.QueueUrl === undefined && QUEUE_PATH.test(request.path))
    input.QueueUrl = `${ctx.origin}${request.path.replace(/\/$/, '')}`;
  try {
    const output = await handler(services.sqs, ctx, input);
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: encodeQueryOutput('sqs', action, output as Record<string, unknown>, requestId),
    };
  } catch (error) {
    return queryError(asAwsError(error, services.logger, action), requestId);
  }
}

function queryError(error: AwsError, requestId: string): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryError('sqs', error, requestId),
  };
}

/** Anything that is not an AwsError is a bug or a store failure: logged, and an InternalError on the wire. */
function asAwsError(error: unknown, logger: Logger, action: string): AwsError {
  if (error instanceof AwsError) return error;
  logger.error({ err: error, action }, 'action failed');
  return sqsErrors.internal();
}
