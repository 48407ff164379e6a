import { setOwn } from 'sqs-mega/core';
import type { Members, Shape } from './schema.js';

/** A node of the parameter tree: `A.1.B=x` becomes A → 1 → B with value `x`. */
interface Node {
  value?: string;
  children?: Map<string, Node>;
}

/** Parameters that carry the protocol, not the action's input. */
const PROTOCOL_PARAMS = new Set([
  'Action',
  'Version',
  'AWSAccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SecurityToken',
  'Timestamp',
  'Expires',
]);

const INTEGER = /^-?\d{1,16}$/;

/** Builds the parameter tree; the first occurrence of a repeated parameter wins. */
function buildTree(params: URLSearchParams): Node {
  const root: Node = {};
  for (const [key, value] of params) {
    let node = root;
    let start = 0;
    for (;;) {
      const dot = key.indexOf('.', start);
      const part = dot === -1 ? key.slice(start) : key.slice(start, dot);
      node.children ??= new Map();
      let child = node.children.get(part);
      if (child === undefined) {
        child = {};
        node.children.set(part, child);
      }
      node = child;
      if (dot === -1) break;
      start = dot + 1;
    }
    node.value ??= value;
  }
  return root;
}

/** The children of `node` whose names are positive integers, in numeric order. */
function indexed(node: Node): Node[] {
  if (node.children === undefined) return [];
  const found: [number, Node][] = [];
  for (const [name, child] of node.children) {
    if (name.length > 0 && name.length < 10 && name.charCodeAt(0) > 48 && /^\d+$/.test(name)) {
      found.push([Number(name), child]);
    }
  }
  if (found.length > 1) found.sort((a, b) => a[0] - b[0]);
  return found.map((e) => e[1]);
}

function decodeScalar(kind: 'string' | 'integer' | 'boolean' | 'blob', text: string): unknown {
  if (kind === 'integer') {
    if (INTEGER.test(text)) {
      const n = Number(text);
      if (Number.isSafeInteger(n)) return n;
    }
    return text;
  }
  if (kind === 'boolean') {
    const lower = text.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : text;
  }
  return text;
}

/** Decodes the member named `name` of a structure from `parent`; undefined when absent. */
function decodeMember(shape: Shape, name: string, parent: Node): unknown {
  if (typeof shape === 'string') {
    const value = parent.children?.get(name)?.value;
    return value === undefined ? undefined : decodeScalar(shape, value);
  }
  if ('struct' in shape) {
    const node = parent.children?.get(name);
    return node === undefined ? undefined : decodeStruct(shape.struct, node);
  }
  if ('list' in shape) {
    let node = parent.children?.get(shape.flat ?? name);
    if (node === undefined) return undefined;
    if (shape.flat === undefined) {
      const members = node.children?.get(shape.member ?? 'member');
      // `Name=` (no members) is how the Query protocol sends an empty list.
      if (members === undefined) return node.value !== undefined ? [] : undefined;
      node = members;
    }
    const items = indexed(node);
    if (items.length === 0) {
      // `Name=` is an empty list; a bare `Name=x` is taken as the one-element list [x].
      if (node.value === undefined) return undefined;
      return node.value === '' || typeof shape.list !== 'string'
        ? []
        : [decodeScalar(shape.list, node.value)];
    }
    const out: unknown[] = [];
    for (const item of items) {
      const value = decodeValue(shape.list, item);
      if (value !== undefined) out.push(value);
    }
    return out;
  }
  let node = parent.children?.get(shape.flat ?? name);
  if (node === undefined) return undefined;
  if (shape.flat === undefined) {
    const entries = node.children?.get('entry');
    if (entries === undefined) return node.value !== undefined ? {} : undefined;
    node = entries;
  }
  const out: Record<string, unknown> = {};
  const keyName = shape.key ?? 'key';
  const valueName = shape.value ?? 'value';
  for (const entry of indexed(node)) {
    const key = entry.children?.get(keyName)?.value;
    if (key === undefined) continue;
    const value = decodeMember(shape.map, valueName, entry);
    if (value === undefined) continue;
    setOwn(out, key, value);
  }
  return out;
}

/** Decodes a list element (the element's own node). */
function decodeValue(shape: Shape, node: Node): unknown {
  if (typeof shape === 'string')
    return node.value === undefined ? undefined : decodeScalar(shape, node.value);
  if ('struct' in shape) return decodeStruct(shape.struct, node);
  return undefined; // lists of lists or of maps do not occur in SQS or SNS
}

function decodeStruct(members: Members, node: Node): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in members) {
    const value = decodeMember(members[name] as Shape, name, node);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Decodes form parameters into the JSON-shaped input described by `members`; with no schema
 * (an unknown action), every top-level parameter without a dot, except the protocol's own
 * (`Action`, `Version`, signature parameters), becomes a string member.
 */
export function decodeParams(members: Members | undefined, params: URLSearchParams): Record<string, unknown> {
  const root = buildTree(params);
  if (members !== undefined) return decodeStruct(members, root);
  const out: Record<string, unknown> = {};
  for (const [name, child] of root.children ?? []) {
    if (
      child.value !== undefined &&
      child.children === undefined &&
      !PROTOCOL_PARAMS.has(name) &&
      !name.startsWith('X-Amz-')
    ) {
      out[name] = child.value;
    }
  }
  return out;
}
