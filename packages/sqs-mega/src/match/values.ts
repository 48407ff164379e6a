import { isPlainObject, parseIsoInstant } from '../event/validate.js';

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number, or a numeric string (`'5'`, `'-1.5e3'`) read as a number; otherwise `undefined`. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

/** Epoch milliseconds of a Date or an ISO-8601 string (UTC when no zone); otherwise `undefined`. */
export function asInstant(value: unknown): number | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof value === 'string' && value.length >= 10 && value.charCodeAt(4) === 45 /* - */) {
    return parseIsoInstant(value);
  }
  return undefined;
}

/**
 * DSL ordering: numbers (and numeric strings) as numbers, ISO timestamps as instants, other strings
 * by code unit. Returns `undefined` when the two cannot be compared (type mismatch).
 */
export function compareValues(left: unknown, right: unknown): number | undefined {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== undefined && b !== undefined) return a < b ? -1 : a > b ? 1 : 0;
  const x = asInstant(left);
  const y = asInstant(right);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return undefined;
}

/** DSL equality: numeric and instant aware for scalars, structural for lists and objects. */
export function valuesEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, i) => valuesEqual(item, right[i]));
  }
  if (isPlainObject(left) || isPlainObject(right)) {
    if (!isPlainObject(left) || !isPlainObject(right)) return false;
    const keys = Object.keys(left);
    if (keys.length !== Object.keys(right).length) return false;
    return keys.every((key) => key in right && valuesEqual(left[key], right[key]));
  }
  return compareValues(left, right) === 0 && typeof left !== 'boolean';
}

/**
 * Index key of a DSL scalar, consistent with {@link valuesEqual}: numbers and numeric strings share
 * `n<number>`; other strings `s<string>`, booleans `b…`, null `z`. `undefined` for values that must not
 * be indexed (ISO-like strings, whose equality is by instant; objects; lists).
 */
export function dslKey(value: unknown): string | undefined {
  const n = asNumber(value);
  if (n !== undefined) return `n${n}`;
  if (typeof value === 'string') return asInstant(value) === undefined ? `s${value}` : undefined;
  if (typeof value === 'boolean') return `b${value}`;
  if (value === null) return 'z';
  return undefined;
}

/** Scale of SNS numeric matching: 5 decimal places. */
const SCALE = 1e5;

/** A number rounded to SNS's precision (5 decimals); values beyond ±1e9 keep full precision. */
export function snsNumber(value: number): number {
  return Math.abs(value) <= 1e9 ? Math.round(value * SCALE) / SCALE : value;
}

/** Index key of a JSON-pattern scalar: strings and numbers never share keys (`"5"` ≠ `5`). */
export function jsonKey(value: unknown): string | undefined {
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'number') return `n${snsNumber(value)}`;
  if (typeof value === 'boolean') return `b${value}`;
  if (value === null) return 'z';
  return undefined;
}
