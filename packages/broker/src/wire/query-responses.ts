import { AwsError, sqsErrors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { WireResponse } from './json.js';
import { encodeQueryError, encodeQueryOutput } from './query/index.js';

/** A Query protocol answer: the action's output as its XML response document. */
export function queryOk(
  service: 'sqs' | 'sns',
  action: string,
  output: object,
  requestId: string,
): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryOutput(service, action, output as Record<string, unknown>, requestId),
  };
}

/** A Query protocol error response. */
export function queryError(error: AwsError, requestId: string, service: 'sqs' | 'sns' = 'sqs'): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: encodeQueryError(service, error, requestId),
  };
}

/** Anything that is not an AwsError is a bug or a store failure: logged, and an InternalError on the wire. */
export function asAwsError(error: unknown, logger: Logger, action: string): AwsError {
  if (error instanceof AwsError) return error;
  logger.error({ err: error, action }, 'action failed');
  return sqsErrors.internal();
}
