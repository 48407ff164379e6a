import { isPlainObject } from '../event/validate.js';
import { setOwn } from '../own.js';

/**
 * A deep copy of `value` with every object's keys in sorted (code-unit) order, `undefined` members
 * dropped and `toJSON` honoured (e.g. Dates become ISO strings), as JSON.stringify would see it.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return sortKeysDeep((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeysDeep(item)));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = value[key];
      if (member !== undefined && typeof member !== 'function') setOwn(out, key, sortKeysDeep(member));
    }
    return out;
  }
  return value;
}

/**
 * Canonical JSON: keys sorted at every depth, no whitespace. Deep-equal inputs give byte-identical
 * output, so SQS content-based deduplication (SHA-256 of the body) treats them as duplicates.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}
