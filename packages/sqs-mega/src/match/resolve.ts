import { isPlainObject } from '../event/validate.js';
import { isInheritedName, ownMember } from '../own.js';

/** No value at the path. */
export const MISSING: unique symbol = Symbol('missing');

/** Several leaf values at one path (arrays fanned out). */
export class Many {
  constructor(readonly values: unknown[]) {}
}

/** A compiled accessor of one path (see {@link pathResolver}). */
export type Resolver = (root: unknown) => unknown;

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
  if (path.length === 0 || path.length > 8) return remember((root) => fallback(root, path), { path, leaves });
  const body = `let n = root;\n${walkBody(path, leaves, (value) => `return ${value};`)}`;
  const walk = new Function('slow', 'miss', `return function resolve(root) {\n${body}\n};`) as (
    slow: Resolver,
    miss: Resolver,
  ) => Resolver;
  const [slow, miss]: [Resolver, Resolver] = leaves
    ? [(root) => resolveLeaves(root, path), missResolver(path, (root) => resolveLeaves(root, path))]
    : [() => MISSING, () => MISSING];
  return remember(walk(slow, miss), { path, leaves, slow, miss });
}

/** What a resolver of {@link pathResolver} resolves: its path, and whether it answers JSON-pattern leaves. */
export interface ResolverPath {
  readonly path: readonly string[];
  readonly leaves: boolean;
  /** What its generated walk calls (see {@link walkBody}); absent when it is the general walk itself. */
  readonly slow?: Resolver;
  readonly miss?: Resolver;
}

const paths = new WeakMap<Resolver, ResolverPath>();

function remember(resolver: Resolver, path: ResolverPath): Resolver {
  paths.set(resolver, path);
  return resolver;
}

/** The path a resolver of {@link pathResolver} reads (`undefined` for other functions). */
export function resolverPath(resolver: Resolver): ResolverPath | undefined {
  return paths.get(resolver);
}

/**
 * The generated walk of `path` from `n` (the root), as statements: bail out to the general walk
 * (`slow(root)`) unless each node is a non-array object with the key (its own, for a name every
 * object inherits, such as `constructor`); a missing key answers `miss(root)` for JSON-pattern leaves
 * (`slow(root)` for exact paths). `answer(expression)` is the statement that answers a value; `slow`
 * and `miss` name the functions called.
 */
export function walkBody(
  path: readonly string[],
  leaves: boolean,
  answer: (value: string) => string,
  slow = 'slow',
  miss = 'miss',
): string {
  let body = '';
  for (const step of path) {
    const key = JSON.stringify(step);
    body += `if (n === null || typeof n !== 'object' || Array.isArray(n)) ${answer(`${slow}(root)`)}\n`;
    if (isInheritedName(step)) body += `if (!Object.hasOwn(n, ${key})) ${answer(`${slow}(root)`)}\n`;
    body += `n = n[${key}];\nif (n === undefined) ${answer(`${leaves ? miss : slow}(root)`)}\n`;
  }
  if (leaves) body += `if (n !== null && typeof n === 'object') ${answer(`${slow}(root)`)}\n`;
  return body + answer('n');
}

/**
 * What a JSON-pattern resolver answers when its direct walk finds no key at some step (every node
 * before it a non-array object): `MISSING` outright when none of the nodes on the way has a dotted
 * key that could stand for the rest of the path (`"b.c"` on the node of `a` for path `a`, `b`, `c`),
 * since only such a key (or an array, which the walk rules out) gives the general walk another way;
 * otherwise the general walk. It walks again with constant keys, reading each dotted key as a
 * property that misses: far cheaper than the general walk, which builds each key per payload (a
 * missing optional key cost ~330 ns there).
 */
function missResolver(path: readonly string[], slow: Resolver): Resolver {
  let body = 'let n = root;\n';
  for (const [i, step] of path.entries()) {
    const key = JSON.stringify(step);
    const dotted: string[] = [];
    for (let k = i + 1; k < path.length; k++)
      dotted.push(`n[${JSON.stringify(path.slice(i, k + 1).join('.'))}] !== undefined`);
    body += `if (n === null || typeof n !== 'object' || Array.isArray(n)) return slow(root);\n`;
    if (dotted.length > 0) body += `if (${dotted.join(' || ')}) return slow(root);\n`;
    if (isInheritedName(step)) body += `if (!Object.hasOwn(n, ${key})) return MISSING;\n`;
    body += `n = n[${key}];\nif (n === undefined) return MISSING;\n`;
  }
  // the direct walk found the whole path after all (a getter?): the general walk decides
  body += 'return slow(root);';
  const walk = new Function('slow', 'MISSING', `return function miss(root) {\n${body}\n};`) as (
    slow: Resolver,
    missing: symbol,
  ) => Resolver;
  return walk(slow, MISSING);
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
