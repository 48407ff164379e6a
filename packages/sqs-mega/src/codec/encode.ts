import { CodecError } from '../errors.js';
import { ENCODING_ATTRIBUTE, type Encoding, type ObjectEncoding } from './attributes.js';
import { codecNamed } from './codecs.js';

/** Options of {@link encodePayload}. */
export interface EncodeOptions {
  /**
   * How objects (MEGA events, data) are serialised: `json` (default), `bson` (BSON, then base64), or
   * the name of an object codec added with `registerCodec`.
   */
  format?: ObjectEncoding;
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
  const name =
    typeof payload === 'string'
      ? 'text'
      : payload instanceof Uint8Array
        ? 'binary'
        : (options.format ?? 'json');
  const codec = codecNamed(name);
  const raw = typeof payload === 'string' || payload instanceof Uint8Array;
  if (codec === undefined || (!raw && codec.carries !== 'objects')) {
    throw new CodecError('format', name, 'encode objects with a codec that is not a registered object codec');
  }
  return result(codec.encode(payload), codec.name);
}

function result(body: string, encoding: Encoding): EncodedPayload {
  return {
    body,
    encoding,
    messageAttributes: { [ENCODING_ATTRIBUTE]: { DataType: 'String', StringValue: encoding } },
  };
}
