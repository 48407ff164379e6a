import { isPlainObject } from '../event/validate.js';
import { isInheritedName, ownMember } from '../own.js';

/** No value at the path. */
export const MISSING: unique symbol = Symbol('missing');

/** Several leaf values at one path (arrays fanned out). */
export class Many {
  constructor(readonly values: unknown[]) {}
}

type Resolver = (root: unknown) => unknown;

const exactResolvers = new Map<string, Resolver>();
const leafResolvers = new Map<string, Resolver>();

/**
 * A compiled accessor for one path, shared by every condition on that path: straight-line property
 * loads with constant keys (fast, monomorphic inline caches), the general walk as fallback.
 * @param leaves - JSON-pattern resolution ({@link resolveLeaves}) instead of exact resolution.
 */
export function pathResolver(path: readonly string[], leaves: boolean): Resolver {
  const cache = leaves ? leafResolvers : exactResolvers;
  const key = JSON.stringify(path);
  let resolver = cache.get(key);
  if (resolver === undefined) {
    resolver = generate(path, leaves);
    cache.set(key, resolver);
  }
  return resolver;
}

function generate(path: readonly string[], leaves: boolean): Resolver {
  const fallback = leaves ? resolveLeaves : resolveExact;
  if (path.length === 0 || path.length > 8) return (root) => fallback(root, path);
  // Each step: bail out to the general walk unless the node is a non-array object with the key (its
  // own, for a name every object inherits, such as `constructor`). Node k is kept in `nk`.
  let body = 'const n0 = root;\n';
  for (const [i, step] of path.entries()) {
    const key = JSON.stringify(step);
    body += `if (n${i} === null || typeof n${i} !== 'object' || Array.isArray(n${i})) return slow(root);\n`;
    const own = isInheritedName(step)
      ? `Object.hasOwn(n${i}, ${key}) ? n${i}[${key}] : undefined`
      : `n${i}[${key}]`;
    body += `const n${i + 1} = ${own};\nif (n${i + 1} === undefined) return ${leaves ? missing(path, i) : 'slow(root)'};\n`;
  }
  const n = `n${path.length}`;
  body += leaves
    ? `if (${n} !== null && typeof ${n} === 'object') return slow(root);\nreturn ${n};`
    : `return ${n};`;
  const walk = new Function('slow', 'MISSING', `return function resolve(root) {\n${body}\n};`) as (
    slow: Resolver,
    missing: symbol,
  ) => Resolver;
  return walk(leaves ? (root) => resolveLeaves(root, path) : () => MISSING, MISSING);
}

/**
 * The JSON-pattern resolver's answer when step `i` of the direct walk finds no key (nodes `n0`…`ni`
 * non-array objects): `MISSING` outright when none of those nodes has a dotted key that could stand
 * for the rest of the path (`"b.c"` for path `a`, `b`, `c` on `n1`), since only such a key (or an
 * array, which the walk rules out) gives the general walk another way; otherwise the general walk.
 * The dotted keys are constant property reads that miss: far cheaper than the walk, which builds
 * each key per payload. (A missing optional key cost ~330 ns through the walk.)
 */
function missing(path: readonly string[], i: number): string {
  const dotted: string[] = [];
  for (let j = 0; j <= i; j++) {
    let key = path[j] as string;
    for (let k = j + 1; k < path.length; k++) {
      key += `.${path[k]}`;
      dotted.push(`n${j}[${JSON.stringify(key)}] !== undefined`);
    }
  }
  return dotted.length === 0 ? 'MISSING' : `${dotted.join(' || ')} ? slow(root) : MISSING`;
}

/** The value at an exact path (DSL): `MISSING` when a key is absent or a step is not an object. */
export function resolveExact(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return MISSING;
    const next = ownMember(node as Record<string, unknown>, path[i] as string);
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
    const next = ownMember(node as Record<string, unknown>, path[i] as string);
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
  const direct = ownMember(node, path[i] as string);
  if (direct !== undefined) collect(direct, path, i + 1, out);
  let key = path[i] as string;
  for (let j = i + 1; j < path.length; j++) {
    key += `.${path[j]}`;
    const dotted = node[key];
    if (dotted !== undefined) collect(dotted, path, j + 1, out);
  }
}
