import { asciiWithout, controlsExcept, SCAN_MIN_LENGTH } from '../ascii-scan.js';

/**
 * JSON text written faster than `JSON.stringify` where message bodies make most of it, with exactly
 * the same bytes. `JSON.stringify` escapes a string one character at a time (about 2.4 µs per KiB of
 * ASCII on Node 20); a string that is ASCII (`Buffer.byteLength`, vectorised) and holds none of the
 * 34 characters JSON escapes (`"`, `\` and U+0000–U+001F, each looked for with `indexOf`, a memchr)
 * needs no escaping, so it is written as it is between quotes (about 0.8 µs per KiB).
 */

// every character JSON.stringify escapes in an ASCII string, most frequent in bodies first
const ESCAPED: readonly string[] = ['"', '\\', '\n', '\r', '\t'];
const SPECIAL: readonly string[] = [...ESCAPED, ...controlsExcept(ESCAPED.join(''))];

/** True when `text` is ASCII and holds no character that JSON escapes: it may be quoted as it is. */
export function isPlainJsonString(text: string): boolean {
  return asciiWithout(text, SPECIAL);
}

/** Whether `value` is walked here: an array or an object of the `Object` prototype (or none), without `toJSON`. */
function isPlainContainer(value: object): boolean {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * How deep the walk goes: the output object, its arrays and their objects (a ReceiveMessage's
 * messages); deeper values (attribute maps) are short and cheaper left to `JSON.stringify`.
 */
const MAX_DEPTH = 2;

// `"Key":` of the few key names outputs use, so that each is quoted once
const keyTexts = new Map<string, string>();
const MAX_KEY_TEXTS = 256;
function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    if (keyTexts.size < MAX_KEY_TEXTS) keyTexts.set(key, text);
  }
  return text;
}

/** Appends the JSON text of `value` to `parts`; false (nothing appended) where JSON.stringify gives undefined. */
function write(value: unknown, parts: string[], depth: number): boolean {
  if (typeof value === 'string') {
    if (value.length >= SCAN_MIN_LENGTH && isPlainJsonString(value)) parts.push('"', value, '"');
    else parts.push(JSON.stringify(value));
    return true;
  }
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || !isPlainContainer(value)) {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) return false;
    parts.push(text);
    return true;
  }
  if (Array.isArray(value)) {
    parts.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) parts.push(',');
      if (!write(value[i], parts, depth + 1)) parts.push('null');
    }
    parts.push(']');
    return true;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    let text: string | undefined;
    if (typeof item === 'string') {
      if (item.length < SCAN_MIN_LENGTH) text = JSON.stringify(item);
    } else if (typeof item !== 'object' || item === null || depth >= MAX_DEPTH || !isPlainContainer(item)) {
      text = JSON.stringify(item) as string | undefined;
      if (text === undefined) continue;
    }
    parts.push(first ? '{' : ',', keyText(key));
    first = false;
    if (text !== undefined) parts.push(text);
    else write(item, parts, depth + 1);
  }
  parts.push(first ? '{}' : '}');
  return true;
}

/**
 * `JSON.stringify(value)`, byte for byte, for plain data: arrays and objects of the `Object`
 * prototype (or none) are walked here, long plain ASCII strings copied between quotes (see {@link isPlainJsonString}); anything else
 * (numbers, booleans, null, objects with `toJSON` or another prototype) goes to `JSON.stringify`.
 * Object keys in `Object.keys` order; `undefined`, functions and symbols left out of objects and
 * written `null` in arrays, as `JSON.stringify` does. Not for cyclic values. The pieces are joined
 * once, so the text is flat: a rope of concatenations would be flattened again, char by char, when
 * the socket encodes it (measured: that ate the gain).
 */
export function stringifyJson(value: unknown): string | undefined {
  const parts: string[] = [];
  return write(value, parts, 0) ? parts.join('') : undefined;
}
