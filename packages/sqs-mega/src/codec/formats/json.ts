import { CodecError } from '../../errors.js';
import { canonicalJson } from '../canonical.js';
import type { PayloadCodec } from '../registry.js';

/** JSON: canonical (sorted keys), so deep-equal inputs produce byte-identical bodies. */
export const jsonCodec: PayloadCodec = {
  name: 'json',
  carries: 'objects',
  mismatch: 'body is not valid JSON',
  encode(payload) {
    const body = canonicalJson(payload);
    if (body === undefined) throw new CodecError('payload', payload, 'encode this value as JSON');
    return body;
  },
  decode(body) {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  },
};
