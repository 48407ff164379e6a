import type { Members, Shape } from './schema.js';
import { escapeXml } from './xml.js';

/** Renders a scalar value as element text; objects that are not bytes render as nothing. */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return escapeXml(value);
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      if (value instanceof Uint8Array)
        return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      if (value instanceof Date) return value.toISOString();
      return undefined;
  }
}

/** Renders the content of one value of `shape` (without its enclosing element). */
function content(shape: Shape, value: unknown): string | undefined {
  if (typeof shape === 'string') return scalarText(value);
  if (typeof value !== 'object' || value === null) return undefined;
  if ('struct' in shape) return encodeMembers(shape.struct, value as Record<string, unknown>);
  return undefined;
}

/** Renders `<name>…</name>` for a member, or '' when the value is absent. */
function element(shape: Shape, name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof shape === 'string' || 'struct' in shape) {
    const text = content(shape, value);
    return text === undefined ? '' : `<${name}>${text}</${name}>`;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return '';
    const item = shape.flat ?? shape.member ?? 'member';
    let out = '';
    for (const v of value) out += element(shape.list, item, v);
    return shape.flat !== undefined ? out : out === '' ? `<${name}/>` : `<${name}>${out}</${name}>`;
  }
  if (typeof value !== 'object') return '';
  const entry = shape.flat ?? 'entry';
  const key = shape.key ?? 'key';
  const valueName = shape.value ?? 'value';
  let out = '';
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || v === null) continue;
    out += `<${entry}><${key}>${escapeXml(k)}</${key}>${element(shape.map, valueName, v)}</${entry}>`;
  }
  return shape.flat !== undefined ? out : out === '' ? `<${name}/>` : `<${name}>${out}</${name}>`;
}

/** Renders the members of a structure, in schema order. */
export function encodeMembers(members: Members, value: Record<string, unknown>): string {
  let out = '';
  for (const name in members) out += element(members[name] as Shape, name, value[name]);
  return out;
}

/** Renders the scalar members of an output whose action has no schema. */
export function encodeScalars(value: Record<string, unknown>): string {
  let out = '';
  for (const name in value) {
    const text = scalarText(value[name]);
    if (text !== undefined) out += `<${name}>${text}</${name}>`;
  }
  return out;
}
