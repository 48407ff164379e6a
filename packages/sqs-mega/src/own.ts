/**
 * Keys that come from users (message attribute names, tag keys, payload keys) may be any string,
 * including the names every plain object inherits from `Object.prototype`. Two JavaScript defaults
 * would then lose or invent data: assigning `target['__proto__'] = value` replaces the target's
 * prototype instead of adding a key, and reading `payload['constructor']` finds `Object` on an
 * object that has no such key. These helpers do what JSON means instead.
 */

/** The names of `Object.prototype`'s members: `constructor`, `toString`, `__proto__`, … */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Whether `key` names a member every plain object inherits (`constructor`, `toString`,
 * `hasOwnProperty`, `__proto__`, …): an object has such a key only when it is its own property.
 */
export function isInheritedName(key: string): boolean {
  return INHERITED.has(key);
}

/**
 * `target[key] = value`, always as an own, enumerable data property, as `JSON.parse` makes it: also
 * when `key` is `__proto__`, which plain assignment would take as the prototype (losing the key).
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * `node[key]` if it is the node's own property or a key no object inherits; `undefined` for an
 * inherited member (`{}`'s `constructor` is not a key of the payload `{}`).
 */
export function ownMember(node: Record<string, unknown>, key: string): unknown {
  return INHERITED.has(key) && !Object.hasOwn(node, key) ? undefined : node[key];
}
