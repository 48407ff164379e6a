import { AwsError, sqsErrors } from '../errors.js';
import { credentialScope } from '../wire/credentials.js';
import { encodeJsonError, type WireResponse } from '../wire/json.js';
import { encodeQueryError } from '../wire/query/index.js';
import { requestId } from '../wire/request-id.js';

/** Request headers as node:http and the raw front give them (lower-case names). */
export type Headers = Record<string, string | string[] | undefined>;

/** An error rendered as AWS does in the request's protocol: JSON 1.0 when it has `X-Amz-Target`, else Query XML. */
export function errorResponse(headers: Headers, error: AwsError): WireResponse {
  const id = requestId();
  if (headers['x-amz-target'] !== undefined) return encodeJsonError(error, 'com.amazonaws.sqs', id);
  const authorization = headers.authorization;
  const scope = credentialScope(Array.isArray(authorization) ? authorization[0] : authorization);
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
    body: encodeQueryError(scope?.service === 'sns' ? 'sns' : 'sqs', error, id),
  };
}

/** The 413 of a body over `maxBody` bytes. */
export function tooLarge(maxBody: number): AwsError {
  return new AwsError(
    'RequestEntityTooLarge',
    `The request body is larger than the broker's limit of ${maxBody} bytes (--max-body-bytes).`,
    413,
  );
}

/** The 503 of a body that would take the bodies held in memory past `limit` bytes. */
export function overBudget(limit: number): AwsError {
  return sqsErrors.serviceUnavailable(
    `The broker is holding ${limit} bytes of request bodies already (--max-buffered-bytes); retry shortly.`,
  );
}

/** The 503 of a connection over `maxConnections`. */
export function tooManyConnections(maxConnections: number): AwsError {
  return sqsErrors.serviceUnavailable(
    `The broker has too many open connections (limit ${maxConnections}). Retry later, or reuse connections.`,
  );
}
