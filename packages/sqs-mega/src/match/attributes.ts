import { setOwn } from '../own.js';

/**
 * SNS message attributes as the JSON-pattern engine sees them (scope `MessageAttributes`): `String`
 * values are strings, `Number` values numbers, `String.Array` values their JSON array's elements;
 * `Binary` attributes are ignored. Accepts SNS's `{Type, Value}` form and the SDK's
 * `{DataType, StringValue}` form (custom type suffixes such as `Number.int` count as their base type).
 */
export function attributeValues(attributes: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (attributes === null || typeof attributes !== 'object') return out;
  for (const [name, attribute] of Object.entries(attributes as Record<string, unknown>)) {
    if (attribute === null || typeof attribute !== 'object') continue;
    const a = attribute as { Type?: unknown; Value?: unknown; DataType?: unknown; StringValue?: unknown };
    const type = typeof a.Type === 'string' ? a.Type : a.DataType;
    const value = typeof a.Value === 'string' ? a.Value : a.StringValue;
    if (typeof type !== 'string' || typeof value !== 'string') continue;
    const base = type.split('.', 1)[0];
    if (type === 'String.Array') setOwn(out, name, parseArray(value));
    else if (base === 'Number') setOwn(out, name, toNumber(value));
    else if (base === 'String') setOwn(out, name, value);
  }
  return out;
}

function toNumber(value: string): unknown {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

function parseArray(value: string): unknown {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : value;
  } catch {
    return value;
  }
}
