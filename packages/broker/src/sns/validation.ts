import { setOwn } from 'sqs-mega/core';
import { snsErrors } from '../errors.js';
import { isValidAttributeName } from '../sqs/message-validation.js';

/**
 * Readers and checks for untrusted SNS input. SNS reports missing and malformed parameters as
 * `InvalidParameter` ("Invalid parameter: <what>"), and bad message attributes as
 * `InvalidParameterValue` (Query code `ParameterValueInvalid`).
 */
export type Input = Record<string, unknown>;

/** The SNS message size limit (message + attribute names, types and values), in bytes. */
export const MAX_MESSAGE_BYTES = 262_144;

/** A required, non-empty string parameter. */
export function required(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '')
    throw snsErrors.invalidParameter(`${name} Reason: no value for required parameter`);
  return value;
}

/** An optional string parameter. */
export function optional(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw snsErrors.invalidParameter(`${name} Reason: must be a string`);
  return value;
}

/** An optional map of strings (`Attributes`). */
export function stringMap(input: Input, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw snsErrors.invalidParameter(`${name} Reason: must be a map of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw snsErrors.invalidParameter(`${name}.${k} Reason: must be a string`);
    setOwn(out, k, v);
  }
  return out;
}

/** An optional list (`Tags`, `TagKeys`, batch entries). */
export function list<T>(input: Input, name: string): T[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw snsErrors.invalidParameter(`${name} Reason: must be a list`);
  return value as T[];
}

/**
 * Validates the tags of a request (`[{Key, Value}]`) and merges them into a topic's `existing` tags.
 * Lengths first, as AWS's request validation answers them (`ValidationError`, "N validation error(s)
 * detected: Value '…' at 'tags.I.member.key' failed to satisfy constraint: …", keys 1–128 and values
 * 0–256 Unicode characters); then keys starting with `aws:` (`TagPolicy`, the broker's wording); then at
 * most 50 tags after the merge (`TagLimitExceeded`, AWS's message).
 */
export function checkTags(raw: unknown[], existing: Record<string, string> = {}): Record<string, string> {
  const violations: string[] = [];
  const given = raw as Array<{ Key?: unknown; Value?: unknown }>;
  given.forEach((tag, i) => {
    const at = (field: string) => `at 'tags.${i + 1}.member.${field}' failed to satisfy constraint:`;
    const key = tag?.Key;
    if (typeof key !== 'string') violations.push(`Value null ${at('key')} Member must not be null`);
    else if ([...key].length < 1)
      violations.push(`Value '${key}' ${at('key')} Member must have length greater than or equal to 1`);
    else if ([...key].length > 128)
      violations.push(`Value '${key}' ${at('key')} Member must have length less than or equal to 128`);
    const value = tag?.Value ?? '';
    if (typeof value !== 'string') violations.push(`Value null ${at('value')} Member must not be null`);
    else if ([...value].length > 256)
      violations.push(`Value '${value}' ${at('value')} Member must have length less than or equal to 256`);
  });
  if (violations.length > 0) throw snsErrors.validation(violations);
  const tags: Record<string, string> = { ...existing };
  for (const { Key, Value } of given as Array<{ Key: string; Value?: string }>) {
    if (Key.toLowerCase().startsWith('aws:'))
      throw snsErrors.tagPolicy(`Tag key '${Key}' is invalid: the prefix 'aws:' is reserved for AWS.`);
    setOwn(tags, Key, Value ?? '');
  }
  if (Object.keys(tags).length > 50) throw snsErrors.tagLimitExceeded();
  return tags;
}

/** A Publish message attribute, validated: `{DataType, StringValue}` or `{DataType, BinaryValue}` (base64). */
export interface PublishAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATA_TYPE = /^(String|String\.Array|Number|Binary)(\.[\x20-\x7E]+)?$/;

/**
 * Validates Publish message attributes (types String, String.Array, Number, Binary, with optional custom
 * suffixes) and returns them sorted by name with their size in bytes (names + types + values).
 */
export function checkPublishAttributes(raw: unknown): {
  attributes: Record<string, PublishAttribute>;
  size: number;
} {
  if (raw === undefined || raw === null) return { attributes: {}, size: 0 };
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw snsErrors.invalidParameterValue('MessageAttributes must be a map.');
  const attributes: Record<string, PublishAttribute> = {};
  let size = 0;
  for (const name of Object.keys(raw).sort()) {
    const value = (raw as Record<string, Partial<PublishAttribute> | null>)[name];
    if (!isValidAttributeName(name))
      throw snsErrors.invalidParameterValue(`Message attribute name '${name.slice(0, 300)}' is invalid.`);
    const type = value?.DataType;
    if (typeof type !== 'string' || type === '')
      throw snsErrors.invalidParameterValue(
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    if (!DATA_TYPE.test(type))
      throw snsErrors.invalidParameterValue(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    if (type.startsWith('Binary')) {
      const binary = value?.BinaryValue;
      if (typeof binary !== 'string' || binary === '')
        throw snsErrors.invalidParameterValue(
          `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
        );
      setOwn(attributes, name, { DataType: type, BinaryValue: binary });
      size += Buffer.from(binary, 'base64').length;
    } else {
      const text = value?.StringValue;
      if (typeof text !== 'string' || text === '')
        throw snsErrors.invalidParameterValue(
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type.split('.')[0]}'.`,
        );
      if (type.startsWith('String.Array')) checkStringArray(name, text);
      else if (type.startsWith('Number')) checkNumber(name, text);
      setOwn(attributes, name, { DataType: type, StringValue: text });
      size += Buffer.byteLength(text, 'utf8');
    }
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(type, 'utf8');
  }
  return { attributes, size };
}

function checkStringArray(name: string, text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  if (!ok)
    throw snsErrors.invalidParameterValue(
      `The message attribute '${name}' with type 'String.Array' has an invalid value: it must be a JSON array of strings, numbers, booleans or null.`,
    );
}

function checkNumber(name: string, text: string): void {
  const n = Number(text);
  const decimals = /\.(\d+)/.exec(text.replace(/[eE].*$/, ''))?.[1]?.length ?? 0;
  if (!NUMBER.test(text) || !Number.isFinite(n) || n < -1e9 || n > 1e9 || decimals > 5)
    throw snsErrors.invalidParameterValue(
      `The message attribute '${name}' with type 'Number' has an invalid value: ${text.slice(0, 64)} (a number from -1e9 to 1e9 with at most 5 decimals).`,
    );
}

/** Parses a JSON attribute value that must be an object, naming the attribute when it is not. */
export function jsonObject(attribute: string, value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw snsErrors.invalidParameter(`${attribute}: failed to parse JSON.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw snsErrors.invalidParameter(`${attribute}: must be a JSON object.`);
  return parsed as Record<string, unknown>;
}

/** A boolean attribute (`true`/`false`, any case). */
export function booleanAttribute(name: string, value: string): 'true' | 'false' {
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false')
    throw snsErrors.invalidParameter(`Attributes Reason: ${name}: must be true or false`);
  return lower;
}
