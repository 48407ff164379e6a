import { MegaEventError } from '../errors.js';
import type { MegaEventInfo, MegaEventInput, MegaObjectInfo, MegaPayload } from './types.js';
import {
  checkName,
  checkOptionalObject,
  checkOptionalString,
  checkTimestamp,
  checkVersion,
  isPlainObject,
} from './validate.js';

/**
 * Builds a MEGA event (protocol `mega` version 1), filling defaults and validating every field.
 *
 * Defaults: `timestamp` now (UTC, ISO-8601 with milliseconds), `event.version` 1, `object.version` 1,
 * `attributes` `{}`. Optional fields left `undefined` are omitted from the result.
 *
 * @param now - the clock used for the default timestamp (injectable for tests); default `new Date()`.
 * @throws {@link MegaEventError} naming the field, e.g. `event.name` for `User.Created`.
 * @example
 * ```ts
 * const e = createMegaEvent({ name: 'user.created', subject: '42', attributes: { plan: 'pro' } });
 * ```
 */
export function createMegaEvent(input: MegaEventInput, now: () => Date = () => new Date()): MegaPayload {
  if (!isPlainObject(input)) throw new MegaEventError('event', input, 'an object');
  const timestamp =
    input.timestamp === undefined
      ? now().toISOString()
      : input.timestamp instanceof Date
        ? dateToIso(input.timestamp)
        : checkTimestamp(input.timestamp);
  const event: MegaEventInfo = {
    name: checkName(input.name),
    timestamp,
    version: checkVersion(input.version, 'event.version'),
    attributes: { ...(checkOptionalObject(input.attributes, 'event.attributes') ?? {}) },
  };
  assignIfDefined(event, 'domain', checkOptionalString(input.domain, 'event.domain'));
  assignIfDefined(event, 'subject', checkOptionalString(input.subject, 'event.subject'));
  assignIfDefined(event, 'publisher', checkOptionalString(input.publisher, 'event.publisher'));
  const result: MegaPayload = { protocol: 'mega', version: 1, event };
  if (input.object !== undefined) result.object = buildObject(input.object);
  const extra = checkOptionalObject(input.extra, 'extra');
  if (extra !== undefined) result.extra = extra;
  return result;
}

/** Validates and normalises an `object` section (`version` defaults to 1). */
export function buildObject(value: unknown): MegaObjectInfo {
  if (!isPlainObject(value)) throw new MegaEventError('object', value, 'an object');
  const object: MegaObjectInfo = { version: checkVersion(value.version, 'object.version') };
  assignIfDefined(object, 'current', checkOptionalObject(value.current, 'object.current'));
  assignIfDefined(object, 'previous', checkOptionalObject(value.previous, 'object.previous'));
  assignIfDefined(object, 'id', checkOptionalString(value.id, 'object.id'));
  assignIfDefined(object, 'type', checkOptionalString(value.type, 'object.type'));
  return object;
}

function dateToIso(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new MegaEventError('event.timestamp', date, 'a valid Date');
  return date.toISOString();
}

function assignIfDefined<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}
