import { MegaError } from '../errors.js';

/** Where a route sends: a declared queue or topic, by name. */
export type RouteTarget = { queue: string; topic?: never } | { topic: string; queue?: never };

/**
 * A route of the central producer: the MEGA events it takes, by name, and where they go. Declared
 * in a topology's `routes` (plain data) or given to the `Producer` directly.
 */
export type RouteDeclaration = RouteTarget & {
  /**
   * Event names: exact (`order.placed`) or a prefix of whole segments ending in `.*`
   * (`order.*` takes `order.placed` and `order.item.added`, not `orders.x`); `*` alone takes every
   * event. An exact name wins over a prefix, a longer prefix over a shorter one.
   */
  events: string | readonly string[];
};

/** Raised when a route declaration is malformed or two routes claim the same names. */
export class RouteError extends MegaError {
  override name = 'RouteError';
  constructor(
    /** The offending field, e.g. `routes[2].events`. */
    readonly field: string,
    /** What is wrong with it. */
    readonly rule: string,
  ) {
    super(`${field} ${rule}`);
  }
}

const EVENT_NAME = /^[a-z0-9_.-]+$/;

/**
 * The event-name lookup of a set of routes: exact names in a map, prefixes longest first. Built once;
 * a lookup costs one map probe plus one `startsWith` per prefix.
 */
export class RouteTable<T> {
  private readonly exact = new Map<string, T>();
  private readonly prefixes: { prefix: string; target: T }[] = [];
  private catchAll: T | undefined;

  /** Adds the names of one route; `where` names the route in errors (e.g. `routes[2]`). */
  add(events: string | readonly string[], target: T, where: string): void {
    const names = typeof events === 'string' ? [events] : events;
    if (names.length === 0) throw new RouteError(`${where}.events`, `must name at least one event`);
    for (const name of names) {
      if (typeof name !== 'string')
        throw new RouteError(`${where}.events`, `must be strings, got ${JSON.stringify(name)}`);
      if (name === '*') {
        if (this.catchAll !== undefined) throw new RouteError(`${where}.events`, `'*' is routed twice`);
        this.catchAll = target;
      } else if (name.endsWith('.*')) {
        const prefix = name.slice(0, -1);
        if (!EVENT_NAME.test(prefix.slice(0, -1)) || prefix.slice(0, -1).includes('*')) {
          throw new RouteError(
            `${where}.events`,
            `${JSON.stringify(name)} is not an event name prefix such as 'order.*'`,
          );
        }
        if (this.prefixes.some((p) => p.prefix === prefix))
          throw new RouteError(`${where}.events`, `${name} is routed twice`);
        this.prefixes.push({ prefix, target });
        this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
      } else {
        if (!EVENT_NAME.test(name)) {
          throw new RouteError(
            `${where}.events`,
            `${JSON.stringify(name)} is not an event name (lower-case letters, digits, . - _) or a prefix ending in .*`,
          );
        }
        if (this.exact.has(name)) throw new RouteError(`${where}.events`, `${name} is routed twice`);
        this.exact.set(name, target);
      }
    }
  }

  /** The target for an event name, or undefined when no route takes it. */
  lookup(name: string): T | undefined {
    const exact = this.exact.get(name);
    if (exact !== undefined) return exact;
    for (const { prefix, target } of this.prefixes) if (name.startsWith(prefix)) return target;
    return this.catchAll;
  }
}

/** Checks one declaration's shape (exactly one of `queue` / `topic`); `where` names it in errors. */
export function checkRoute(route: unknown, where: string): RouteDeclaration {
  if (typeof route !== 'object' || route === null || Array.isArray(route)) {
    throw new RouteError(`${where}`, `must be an object { events, queue | topic }`);
  }
  const r = route as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (key !== 'events' && key !== 'queue' && key !== 'topic') {
      throw new RouteError(`${where}.${key}`, `is not a known field (known: events, queue, topic)`);
    }
  }
  const hasQueue = r.queue !== undefined;
  const hasTopic = r.topic !== undefined;
  if (hasQueue === hasTopic) throw new RouteError(`${where}`, `must name exactly one of queue or topic`);
  const target = hasQueue ? r.queue : r.topic;
  if (typeof target !== 'string' || target === '') {
    throw new RouteError(`${where}.${hasQueue ? 'queue' : 'topic'}`, `must be a queue or topic name`);
  }
  if (typeof r.events !== 'string' && !Array.isArray(r.events)) {
    throw new RouteError(`${where}.events`, `must be an event name or a list of them`);
  }
  return r as RouteDeclaration;
}
