import { serialize } from 'bson';
import { CodecError } from '../errors.js';
import { isPlainObject } from '../event/validate.js';
import { ENCODING_ATTRIBUTE, type Encoding } from './attributes.js';
import { encodeBase64 } from './base64.js';
import { canonicalJson, sortKeysDeep } from './canonical.js';

/** Options of {@link encodePayload}. */
export interface EncodeOptions {
  /** How objects (MEGA events, data) are serialised: `json` (default) or `bson` (BSON, then base64). */
  format?: 'json' | 'bson';
}

/** A body ready for SendMessage/Publish, with the attribute that tells readers how to decode it. */
export interface EncodedPayload {
  body: string;
  encoding: Encoding;
  /** `{ 'mega-encoding': { DataType: 'String', StringValue: encoding } }`, in the SDK's shape. */
  messageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

/**
 * Encodes a payload for SQS/SNS.
 * - strings → plaintext (`text`), `Uint8Array`/`Buffer` → base64 (`binary`);
 * - anything else (MEGA events, data objects, arrays, numbers) → canonical JSON with sorted keys, so
 *   deep-equal inputs produce byte-identical bodies; or, with `format: 'bson'`, BSON + base64 (objects only).
 * @throws {@link CodecError} for values JSON cannot carry (`undefined`, functions) or non-objects as BSON.
 */
export function encodePayload(payload: unknown, options: EncodeOptions = {}): EncodedPayload {
  if (typeof payload === 'string') return result(payload, 'text');
  if (payload instanceof Uint8Array) return result(encodeBase64(payload), 'binary');
  if (options.format === 'bson') {
    if (!isPlainObject(payload)) throw new CodecError('payload', payload, 'encode a non-object as BSON');
    return result(encodeBase64(serialize(sortKeysDeep(payload) as Record<string, unknown>)), 'bson');
  }
  const body = canonicalJson(payload);
  if (body === undefined) throw new CodecError('payload', payload, 'encode this value as JSON');
  return result(body, 'json');
}

function result(body: string, encoding: Encoding): EncodedPayload {
  return {
    body,
    encoding,
    messageAttributes: { [ENCODING_ATTRIBUTE]: { DataType: 'String', StringValue: encoding } },
  };
}
