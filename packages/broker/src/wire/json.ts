import { isAscii } from 'node:buffer';
import type { AwsError } from '../errors.js';
import { markUnescaped } from '../sqs/params.js';
import { stringifyJson } from './json-text.js';

/**
 * The AWS JSON 1.0 protocol: `POST /` with `X-Amz-Target: <Service>.<Action>` and a JSON body in the
 * action's input shape; the output shape as JSON; errors as `{"__type", "message"}` with the
 * `x-amzn-query-error` header carrying the Query-compatible code.
 */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** A rendered response: status, headers and body. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits `AmazonSQS.SendMessage` into service prefix and action. */
export function parseTarget(target: string): { prefix: string; action: string } {
  const dot = target.lastIndexOf('.');
  return dot < 0
    ? { prefix: '', action: target }
    : { prefix: target.slice(0, dot), action: target.slice(dot + 1) };
}

/**
 * Parses a JSON 1.0 request body; an empty body is `{}`. Returns undefined when it is not a JSON
 * object. A body with no backslash byte (one memchr) is marked so (`markUnescaped`): a send then
 * need not look for the control characters SQS refuses in its message bodies; one that is ASCII as
 * well (one vectorised scan) is marked ASCII, and decoded as Latin-1 (the same string for ASCII,
 * without UTF-8's decoding): its strings' UTF-8 lengths need not be counted.
 */
export function decodeJsonInput(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  const ascii = isAscii(body);
  let value: unknown;
  try {
    value = JSON.parse(body.toString(ascii ? 'latin1' : 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const input = value as Record<string, unknown>;
  if (body.indexOf(0x5c) === -1) markUnescaped(input, ascii);
  return input;
}

/**
 * Renders an action's output. An output with `Messages` (ReceiveMessage: up to ten bodies of up to
 * 1 MiB) is written by {@link stringifyJson}, which copies plain ASCII bodies instead of escaping them
 * character by character; the same bytes as `JSON.stringify`, which writes every other output.
 */
export function encodeJsonOutput(output: object, requestId: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: Array.isArray((output as { Messages?: unknown }).Messages)
      ? (stringifyJson(output) as string)
      : JSON.stringify(output),
  };
}

/** Renders an error as AWS does on the JSON protocol, `namespace` being e.g. `com.amazonaws.sqs`. */
export function encodeJsonError(error: AwsError, namespace: string, requestId: string): WireResponse {
  return {
    status: error.status,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      'x-amzn-query-error': `${error.queryCode};${error.fault}`,
    },
    body: JSON.stringify({ __type: `${namespace}#${error.jsonType}`, message: error.message }),
  };
}
