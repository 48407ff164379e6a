import { sqsErrors } from '../errors.js';

/**
 * Readers for untrusted action input. Each names the parameter and its limits in the error it throws,
 * in the words SQS uses.
 */
export type Input = Record<string, unknown>;

/** Marks an input decoded from JSON text with no backslash (see {@link isUnescaped}). */
const UNESCAPED = Symbol('unescaped input');

/**
 * Marks `input`, decoded from JSON text that holds no backslash at all: then none of its strings
 * holds a control character, `"` or `\` (JSON admits none of them unescaped in a string). `ascii`:
 * the text was ASCII too, so each of its strings is as many UTF-8 bytes as characters (see
 * {@link isPlainAscii}). The mark is a non-enumerable symbol: no reader, encoder or comparison sees it.
 */
export function markUnescaped(input: Input, ascii = false): void {
  Object.defineProperty(input, UNESCAPED, { value: ascii ? 2 : 1 });
}

/** Whether `input` was marked by {@link markUnescaped}. */
export function isUnescaped(input: Input): boolean {
  return (input as { [UNESCAPED]?: number })[UNESCAPED] !== undefined;
}

/**
 * Whether `input` was marked by {@link markUnescaped} as ASCII: every string in it is printable ASCII
 * or DEL (U+0020–U+007F), its UTF-8 length its length.
 */
export function isPlainAscii(input: Input): boolean {
  return (input as { [UNESCAPED]?: number })[UNESCAPED] === 2;
}

/** A required, non-empty string parameter. */
export function requiredString(input: Input, name: string): string {
  const value = input[name];
  if (value === undefined || value === null || value === '') throw sqsErrors.missingParameter(name);
  if (typeof value !== 'string') {
    throw sqsErrors.invalidParameterValue(
      `Value for parameter ${name} is invalid. Reason: must be a string.`,
    );
  }
  return value;
}

/** An optional string parameter. */
export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw sqsErrors.invalidParameterValue(
      `Value for parameter ${name} is invalid. Reason: must be a string.`,
    );
  }
  return value;
}

/** An optional integer parameter within `[min, max]` (numeric strings are accepted). */
export function optionalInt(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw sqsErrors.invalidParameterValue(
      `Value ${shown(value)} for parameter ${name} is invalid. Reason: Must be an integer from ${min} to ${max}.`,
    );
  }
  return n;
}

/** An optional list of strings. */
export function stringList(input: Input, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw sqsErrors.invalidParameterValue(
      `Value for parameter ${name} is invalid. Reason: must be a list of strings.`,
    );
  }
  return value as string[];
}

/** An optional map of string to string. */
export function stringMap(input: Input, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw sqsErrors.invalidParameterValue(
      `Value for parameter ${name} is invalid. Reason: must be a map of strings.`,
    );
  }
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw sqsErrors.invalidParameterValue(
        `Value for parameter ${name}.${k} is invalid. Reason: must be a string.`,
      );
    }
    out[k] = v;
  }
  return out;
}

/** An optional list of objects (batch entries). */
export function objectList(input: Input, name: string): Input[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw sqsErrors.invalidParameterValue(
      `Value for parameter ${name} is invalid. Reason: must be a list of entries.`,
    );
  }
  return value as Input[];
}

/**
 * A value from the request, shortened for an error message. Never `String(value)` on an object: its
 * own `toString` / `valueOf` keys (strings, from JSON) would make that throw.
 */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
  return text.slice(0, 64);
}
