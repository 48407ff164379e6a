import { readPayload } from '../event/reader.js';
import type { JsonObject, MegaEvent } from '../event/types.js';
import {
  type AnyMessageAttribute,
  type Encoding,
  encodingMarker,
  type ObjectEncoding,
} from './attributes.js';
import { decodeStrictBase64, isPlausiblyText } from './base64.js';
import { codecNamed } from './codecs.js';
import { tryBson } from './formats/bson.js';
import { parseSnsEnvelope, type SnsConfirmation, type SnsNotification } from './sns.js';

/** A decoded payload: narrow on `kind`. */
export type DecodedPayload =
  | { kind: 'mega'; event: MegaEvent; encoding: ObjectEncoding }
  | { kind: 'data'; data: unknown; encoding: ObjectEncoding }
  | { kind: 'text'; text: string; encoding: 'text' }
  | { kind: 'binary'; bytes: Uint8Array; encoding: 'binary' }
  | {
      kind: 'invalid';
      /** Why: a MEGA rule (`field` names it) or a body that does not fit its encoding marker. */
      reason: string;
      field: string;
      encoding: Encoding;
      /** The parsed object when there was one (an invalid MEGA event). */
      data?: JsonObject;
    };

/** Extra facts about how a payload arrived. */
export interface DecodeContext {
  /** True when the encoding came from the `mega-encoding` marker, false when it was guessed. */
  marked: boolean;
  /** The SNS envelope when the SQS body was an SNS notification (unwrapped). */
  sns?: SnsNotification;
}

/** What {@link decodeMessage} returns: a payload with its context, or an SNS handshake message. */
export type DecodedMessage = (DecodedPayload & DecodeContext) | SnsConfirmation;

/**
 * Decodes one body. With an encoding marker the marker is obeyed (a body that does not fit it is
 * `invalid`). Without one, the SQS MEGA order, minus its traps:
 * 1. JSON: an object is a MEGA event (protocol mega, version 1) or data; any other JSON value is data.
 * 2. Strict canonical base64: BSON that parses is a MEGA event or data; otherwise a binary blob —
 *    unless the string is plausibly text ({@link isPlausiblyText}: `test`, `hello` stay plaintext).
 * 3. Plaintext.
 */
export function decodePayload(body: string, encoding?: Encoding): DecodedPayload {
  const codec = encoding === undefined ? undefined : codecNamed(encoding);
  if (codec === undefined) return guess(body);
  const value = codec.decode(body);
  if (value === undefined) return invalid('body', codec.name, codec.mismatch);
  if (codec.carries === 'text') return { kind: 'text', text: String(value), encoding: 'text' };
  if (codec.carries === 'binary') return { kind: 'binary', bytes: value as Uint8Array, encoding: 'binary' };
  return fromValue(value, codec.name);
}

/**
 * Decodes an SQS message: unwraps an SNS notification envelope (then decodes its inner `Message`, the
 * marker taken from the envelope's attributes), recognises SNS confirmations, else decodes the body.
 * @param messageAttributes - the SQS message attributes (SDK shape) or SNS attributes (`{Type, Value}`).
 */
export function decodeMessage(
  body: string,
  messageAttributes?: Record<string, AnyMessageAttribute>,
): DecodedMessage {
  const marker = encodingMarker(messageAttributes);
  if (marker === undefined && body.startsWith('{')) {
    const parsed = tryJson(body);
    const envelope = parsed === NOT_JSON ? undefined : parseSnsEnvelope(parsed);
    if (envelope?.kind === 'sns-confirmation') return envelope;
    if (envelope?.kind === 'notification') {
      const sns = envelope.notification;
      const innerMarker = encodingMarker(sns.messageAttributes);
      return { ...decodePayload(sns.message, innerMarker), marked: innerMarker !== undefined, sns };
    }
    if (parsed !== NOT_JSON) return { ...fromValue(parsed, 'json'), marked: false };
  }
  return { ...decodePayload(body, marker), marked: marker !== undefined };
}

function guess(body: string): DecodedPayload {
  const parsed = tryJson(body);
  if (parsed !== NOT_JSON) return fromValue(parsed, 'json');
  const bytes = decodeStrictBase64(body);
  if (bytes !== undefined) {
    const doc = tryBson(bytes);
    if (doc) return fromValue(doc, 'bson');
    if (!isPlausiblyText(body)) return { kind: 'binary', bytes, encoding: 'binary' };
  }
  return { kind: 'text', text: body, encoding: 'text' };
}

function fromValue(value: unknown, encoding: ObjectEncoding): DecodedPayload {
  const read = readPayload(value);
  if (read.kind === 'mega') return { kind: 'mega', event: read.event, encoding };
  if (read.kind === 'data') return { kind: 'data', data: read.data, encoding };
  return { kind: 'invalid', reason: read.error.message, field: read.error.field, encoding, data: read.data };
}

function invalid(field: string, encoding: Encoding, reason: string): DecodedPayload {
  return { kind: 'invalid', reason, field, encoding };
}

const NOT_JSON = Symbol('not-json');

function tryJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return NOT_JSON;
  }
}
