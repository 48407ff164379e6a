import { MegaEventError } from '../errors.js';
import { setOwn } from '../own.js';
import { buildObject } from './builder.js';
import type { JsonObject, MegaEventInfo, MegaPayload } from './types.js';
import {
  checkName,
  checkOptionalObject,
  checkOptionalString,
  checkTimestamp,
  checkVersion,
  isPlainObject,
} from './validate.js';

/** The outcome of reading a parsed payload: a MEGA event, a generic data value, or an invalid MEGA event. */
export type ReadResult =
  | { kind: 'mega'; event: MegaPayload }
  | { kind: 'data'; data: unknown }
  | { kind: 'invalid'; error: MegaEventError; data: JsonObject };

const KNOWN_EVENT_KEYS = new Set([
  'name',
  'timestamp',
  'version',
  'domain',
  'subject',
  'publisher',
  'attributes',
]);

/** True when `value` claims to be a MEGA payload: an object with `protocol: "mega"` and `version: 1`. */
export function isMegaPayload(value: unknown): value is JsonObject {
  return isPlainObject(value) && value.protocol === 'mega' && value.version === 1;
}

/**
 * Tolerant reader. Anything that is not an object with `protocol: "mega"` and integer `version: 1` is
 * data (not an error). A payload that claims protocol mega v1 but breaks it (no `event.name`, a bad
 * timestamp, ...) is `invalid`, with the reason, so that a listener can route it as a poison message.
 * Unknown `event.*` keys are merged into `event.attributes` (explicit attributes win on a clash).
 */
export function readPayload(value: unknown): ReadResult {
  if (!isMegaPayload(value)) return { kind: 'data', data: value };
  try {
    return { kind: 'mega', event: readMegaEvent(value) };
  } catch (error) {
    if (error instanceof MegaEventError) return { kind: 'invalid', error, data: value };
    throw error;
  }
}

/**
 * Reads a payload that must be a MEGA event.
 * @throws {@link MegaEventError} naming the first invalid field.
 */
export function readMegaEvent(value: unknown): MegaPayload {
  if (!isMegaPayload(value)) throw new MegaEventError('protocol', value, '"mega" with version 1');
  const raw = value.event;
  if (!isPlainObject(raw)) throw new MegaEventError('event', raw, 'an object');
  const attributes: JsonObject = {};
  for (const key of Object.keys(raw)) {
    if (!KNOWN_EVENT_KEYS.has(key)) setOwn(attributes, key, raw[key]);
  }
  const given = checkOptionalObject(raw.attributes, 'event.attributes') ?? {};
  for (const key of Object.keys(given)) setOwn(attributes, key, given[key]);
  const event: MegaEventInfo = {
    name: checkName(raw.name),
    timestamp: checkTimestamp(raw.timestamp),
    version: checkVersion(raw.version, 'event.version'),
    attributes,
  };
  const domain = checkOptionalString(raw.domain, 'event.domain');
  const subject = checkOptionalString(raw.subject, 'event.subject');
  const publisher = checkOptionalString(raw.publisher, 'event.publisher');
  if (domain !== undefined) event.domain = domain;
  if (subject !== undefined) event.subject = subject;
  if (publisher !== undefined) event.publisher = publisher;
  const result: MegaPayload = { protocol: 'mega', version: 1, event };
  if (value.object !== undefined && value.object !== null) result.object = buildObject(value.object);
  const extra = checkOptionalObject(value.extra, 'extra');
  if (extra !== undefined) result.extra = extra;
  return result;
}
