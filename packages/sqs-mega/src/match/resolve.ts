import { isPlainObject } from '../event/validate.js';

/** No value at the path. */
export const MISSING: unique symbol = Symbol('missing');

/** Several leaf values at one path (arrays fanned out). */
export class Many {
  constructor(readonly values: unknown[]) {}
}

/** The value at an exact path (DSL): `MISSING` when a key is absent or a step is not an object. */
export function resolveExact(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return MISSING;
    const next = (node as Record<string, unknown>)[path[i] as string];
    if (next === undefined) return MISSING;
    node = next;
  }
  return node;
}

/**
 * The leaf values at a path of a JSON payload, the SNS/EventBridge way: arrays (also nested ones)
 * fan out at any step, objects are not leaves, and a dotted key in the payload (`{"a.b": 1}`) also
 * answers the path `a`, `b`. Returns one value, a {@link Many}, or `MISSING`.
 */
export function resolveLeaves(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return slow(root, path);
    const next = (node as Record<string, unknown>)[path[i] as string];
    if (next === undefined) return slow(root, path);
    node = next;
  }
  if (node === null || typeof node !== 'object') return node;
  return slow(root, path);
}

function slow(root: unknown, path: readonly string[]): unknown {
  const out: unknown[] = [];
  collect(root, path, 0, out);
  if (out.length === 0) return MISSING;
  return out.length === 1 ? out[0] : new Many(out);
}

function collect(node: unknown, path: readonly string[], i: number, out: unknown[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, path, i, out);
    return;
  }
  if (i === path.length) {
    if (node === null || typeof node !== 'object') out.push(node);
    return;
  }
  if (!isPlainObject(node)) return;
  const direct = node[path[i] as string];
  if (direct !== undefined) collect(direct, path, i + 1, out);
  let key = path[i] as string;
  for (let j = i + 1; j < path.length; j++) {
    key += `.${path[j]}`;
    const dotted = node[key];
    if (dotted !== undefined) collect(dotted, path, j + 1, out);
  }
}
