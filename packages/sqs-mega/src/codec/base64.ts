const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict, canonical base64 (RFC 4648 §4 alphabet, padded, no whitespace, unused bits zero): decodes
 * to bytes that re-encode to exactly the same string. Returns `undefined` for anything else.
 */
export function decodeStrictBase64(text: string): Uint8Array | undefined {
  if (text.length === 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Standard padded base64 of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The "plausibly text" rule for strings that are valid base64 but not BSON: a string shorter than
 * 8 characters, or a single word in one case, optionally followed by digits (`test`, `HELLO`,
 * `Business`, `helloworld`, `Hello123`), is text,
 * not a binary blob. Random binary data essentially never encodes to such a word; a publisher that
 * really sends such bytes should mark the encoding (`mega-encoding: binary`).
 */
export function isPlausiblyText(text: string): boolean {
  return text.length < 8 || /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)\d*$/.test(text);
}
