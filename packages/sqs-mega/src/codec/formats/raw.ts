import { CodecError } from '../../errors.js';
import { decodeStrictBase64, encodeBase64 } from '../base64.js';
import type { PayloadCodec } from '../registry.js';

/** Plaintext: the string as the body. */
export const textCodec: PayloadCodec = {
  name: 'text',
  carries: 'text',
  mismatch: 'body is not text',
  encode(payload) {
    if (typeof payload !== 'string') throw new CodecError('payload', payload, 'encode a non-string as text');
    return payload;
  },
  decode: (body) => body,
};

/** Bytes as strict base64. */
export const binaryCodec: PayloadCodec = {
  name: 'binary',
  carries: 'binary',
  mismatch: 'body is not strict base64',
  encode(payload) {
    if (!(payload instanceof Uint8Array))
      throw new CodecError('payload', payload, 'encode non-bytes as binary');
    return encodeBase64(payload);
  },
  decode: (body) => (body === '' ? new Uint8Array(0) : decodeStrictBase64(body)),
};
