import { MegaEventError } from '../errors.js';
import type { JsonObject } from './types.js';

/** Allowed event names: lower-case alphanumerics, `.`, `-` and `_` (at least one character). */
export const EVENT_NAME = /^[a-z0-9._-]+$/;

// ISO-8601 date-time: date, `T` or space, time with optional fraction, optional zone.
const ISO_DATETIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/** True for a plain object (not an array, not null, not a class instance such as Date or Buffer). */
export function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Parses an ISO-8601 timestamp to epoch milliseconds; a timestamp without a zone is taken as UTC.
 * @returns `undefined` when the string is not an ISO-8601 date-time.
 */
export function parseIsoInstant(text: string): number | undefined {
  if (!ISO_DATETIME.test(text)) return undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.length > 10;
  let normalized = text.replace(' ', 'T');
  if (!hasZone) normalized += normalized.length === 10 ? 'T00:00:00Z' : 'Z';
  // Date.parse keeps only milliseconds; longer fractions are truncated by us first.
  normalized = normalized.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}

export function checkName(value: unknown, field = 'event.name'): string {
  if (typeof value !== 'string' || !EVENT_NAME.test(value)) {
    throw new MegaEventError(field, value, 'a non-empty string of lower-case [a-z0-9._-]');
  }
  return value;
}

export function checkTimestamp(value: unknown, field = 'event.timestamp'): string {
  if (typeof value !== 'string' || parseIsoInstant(value) === undefined) {
    throw new MegaEventError(field, value, 'an ISO-8601 date-time string');
  }
  return value;
}

export function checkVersion(value: unknown, field: string): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new MegaEventError(field, value, 'an integer ≥ 1');
  }
  return value;
}

export function checkOptionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MegaEventError(field, value, 'a string');
  return value;
}

export function checkOptionalObject(value: unknown, field: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new MegaEventError(field, value, 'an object');
  return value;
}
