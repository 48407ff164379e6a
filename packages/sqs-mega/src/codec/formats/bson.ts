import { deserialize, serialize } from 'bson';
import { CodecError } from '../../errors.js';
import { isPlainObject } from '../../event/validate.js';
import { decodeStrictBase64, encodeBase64 } from '../base64.js';
import { sortKeysDeep } from '../canonical.js';
import type { PayloadCodec } from '../registry.js';

/** BSON, then base64 (objects only; keys sorted). */
export const bsonCodec: PayloadCodec = {
  name: 'bson',
  carries: 'objects',
  mismatch: 'body is not base64-encoded BSON',
  encode(payload) {
    if (!isPlainObject(payload)) throw new CodecError('payload', payload, 'encode a non-object as BSON');
    return encodeBase64(serialize(sortKeysDeep(payload) as Record<string, unknown>));
  },
  decode(body) {
    const bytes = decodeStrictBase64(body);
    return bytes && tryBson(bytes);
  },
};

/** A BSON document from bytes, or `undefined` when they are not one. */
export function tryBson(bytes: Uint8Array): Record<string, unknown> | undefined {
  // A BSON document starts with its own int32 length and ends with a NUL byte.
  if (bytes.length < 5 || bytes[bytes.length - 1] !== 0) return undefined;
  const declared =
    (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8) | ((bytes[2] ?? 0) << 16) | ((bytes[3] ?? 0) << 24);
  if (declared !== bytes.length) return undefined;
  try {
    return deserialize(bytes, { promoteValues: true, promoteLongs: true, promoteBuffers: true });
  } catch {
    return undefined;
  }
}
