import { createHash, hash } from 'node:crypto';
import type { MessageAttributeValue } from './types.js';

/** Hex MD5 of a string's UTF-8 bytes: `MD5OfMessageBody` / `MD5OfBody`. */
export function md5OfBody(body: string): string {
  return hash('md5', body, 'hex');
}

/**
 * `MD5OfMessageAttributes` exactly as SQS computes it: attributes sorted by name; for each, the name,
 * the data type (with any custom suffix) and the value, each as a 4-byte big-endian length followed by
 * the bytes, with one transport byte (1 = String/Number, 2 = Binary) before the value.
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttributeValue>): string {
  const hash = createHash('md5');
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name] as MessageAttributeValue;
    const dataType = value.DataType ?? '';
    lengthPrefixed(hash, Buffer.from(name, 'utf8'));
    lengthPrefixed(hash, Buffer.from(dataType, 'utf8'));
    if (dataType.startsWith('Binary')) {
      hash.update(Buffer.of(2));
      lengthPrefixed(hash, Buffer.from(value.BinaryValue ?? '', 'base64'));
    } else {
      hash.update(Buffer.of(1));
      lengthPrefixed(hash, Buffer.from(value.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

function lengthPrefixed(hash: ReturnType<typeof createHash>, bytes: Buffer): void {
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length, 0);
  hash.update(length);
  hash.update(bytes);
}
