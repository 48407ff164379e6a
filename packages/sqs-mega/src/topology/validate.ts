import { validateFilterPolicy } from '../match/json-pattern.js';
import type { FilterPolicyScope } from '../match/json-rules.js';
import { checkRoute, type RouteDeclaration, RouteError, RouteTable } from '../route/table.js';
import { type ConsumerDeclaration, validateConsumers } from './consumers.js';
import { TopologyError } from './errors.js';
import { READ_ONLY_QUEUE_ATTRIBUTES } from './read-only.js';
import type { Topology, TopologyAttributeValue } from './types.js';

/** A queue as planned: FIFO resolved, attribute values as the strings AWS takes. */
export interface NormalQueue {
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
  deadLetter?: { queue: string; maxReceiveCount: number };
}

export interface NormalTopic {
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
}

export interface NormalSubscription {
  topic: string;
  queue: string;
  /** Canonical JSON of the filter policy, when declared. */
  filterPolicy?: string;
  filterPolicyScope?: FilterPolicyScope;
  rawMessageDelivery?: boolean;
}

/** A validated topology; queues sorted so that every dead-letter queue comes before its sources. */
export interface NormalTopology {
  queues: NormalQueue[];
  topics: NormalTopic[];
  subscriptions: NormalSubscription[];
  /** The producer's routes, as declared (checked). */
  routes: RouteDeclaration[];
  /** The priority listeners, as declared (checked). */
  consumers: ConsumerDeclaration[];
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const FIFO_ONLY_QUEUE_ATTRIBUTES = new Set([
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);
const READ_ONLY_TOPIC_ATTRIBUTES = new Set([
  'TopicArn',
  'Owner',
  'SubscriptionsConfirmed',
  'SubscriptionsPending',
  'SubscriptionsDeleted',
  'EffectiveDeliveryPolicy',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, path: string, keys: string[]): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      throw new TopologyError(
        `${path}.${key}`,
        value[key],
        `is not a known field (known: ${keys.join(', ')})`,
      );
  }
}

function list(value: unknown, path: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TopologyError(path, value, 'must be an array');
  return value;
}

/** An attribute value as the string AWS takes: objects become JSON. */
export function attributeString(value: TopologyAttributeValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function attributes(value: unknown, path: string, forbidden: Map<string, string>): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value))
    throw new TopologyError(path, value, 'must be an object of attribute names to values');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    const why = forbidden.get(name);
    if (why) throw new TopologyError(`${path}.${name}`, v, why);
    const ok =
      typeof v === 'string' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      typeof v === 'boolean' ||
      isObject(v);
    if (!ok)
      throw new TopologyError(`${path}.${name}`, v, 'must be a string, a number, a boolean or an object');
    out[name] = attributeString(v as TopologyAttributeValue);
  }
  return out;
}

function name(value: unknown, path: string, plain: RegExp, fifoName: RegExp, what: string): string {
  if (typeof value !== 'string' || !(plain.test(value) || fifoName.test(value))) {
    throw new TopologyError(
      path,
      value,
      `must be a ${what} name: letters, digits, - and _ (a FIFO one ending in .fifo)`,
    );
  }
  return value;
}

function fifoFlag(value: unknown, nameValue: string, path: string): boolean {
  const byName = nameValue.endsWith('.fifo');
  if (value === undefined) return byName;
  if (typeof value !== 'boolean') throw new TopologyError(path, value, 'must be a boolean');
  if (value !== byName) {
    throw new TopologyError(
      path,
      value,
      value
        ? `requires the name to end with .fifo (name: ${nameValue})`
        : `contradicts the name ${nameValue} (only FIFO names end with .fifo)`,
    );
  }
  return value;
}

const queueForbidden = new Map<string, string>([
  ['FifoQueue', 'is declared with the field `fifo`'],
  ['RedrivePolicy', 'is declared with the field `deadLetter: { queue, maxReceiveCount }`'],
  ...READ_ONLY_QUEUE_ATTRIBUTES.map((n): [string, string] => [n, 'is read-only']),
]);
const topicForbidden = new Map<string, string>([
  ['FifoTopic', 'is declared with the field `fifo`'],
  ...[...READ_ONLY_TOPIC_ATTRIBUTES].map((n): [string, string] => [n, 'is read-only']),
]);

function queues(raw: unknown[]): NormalQueue[] {
  const byName = new Map<string, { queue: NormalQueue; index: number }>();
  raw.forEach((q, i) => {
    const path = `queues[${i}]`;
    if (!isObject(q)) throw new TopologyError(path, q, 'must be an object');
    onlyKeys(q, path, ['name', 'fifo', 'attributes', 'deadLetter']);
    const n = name(q.name, `${path}.name`, QUEUE_NAME, FIFO_QUEUE_NAME, 'queue');
    if (byName.has(n)) throw new TopologyError(`${path}.name`, n, 'is declared twice');
    const fifo = fifoFlag(q.fifo, n, `${path}.fifo`);
    const attrs = attributes(q.attributes, `${path}.attributes`, queueForbidden);
    if (!fifo) {
      for (const a of Object.keys(attrs)) {
        if (FIFO_ONLY_QUEUE_ATTRIBUTES.has(a))
          throw new TopologyError(`${path}.attributes.${a}`, attrs[a], 'is only valid on a FIFO queue');
      }
    }
    const queue: NormalQueue = { name: n, fifo, attributes: attrs };
    if (q.deadLetter !== undefined) {
      const dl = q.deadLetter;
      const dlPath = `${path}.deadLetter`;
      if (!isObject(dl)) throw new TopologyError(dlPath, dl, 'must be { queue, maxReceiveCount }');
      onlyKeys(dl, dlPath, ['queue', 'maxReceiveCount']);
      if (typeof dl.queue !== 'string')
        throw new TopologyError(`${dlPath}.queue`, dl.queue, 'must be the name of a declared queue');
      const max = dl.maxReceiveCount;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000) {
        throw new TopologyError(`${dlPath}.maxReceiveCount`, max, 'must be an integer from 1 to 1000');
      }
      queue.deadLetter = { queue: dl.queue, maxReceiveCount: max };
    }
    byName.set(n, { queue, index: i });
  });
  for (const { queue, index } of byName.values()) {
    if (!queue.deadLetter) continue;
    const path = `queues[${index}].deadLetter.queue`;
    const target = byName.get(queue.deadLetter.queue)?.queue;
    if (!target)
      throw new TopologyError(path, queue.deadLetter.queue, 'must be the name of a declared queue');
    if (target === queue) throw new TopologyError(path, target.name, 'cannot be the queue itself');
    if (target.fifo !== queue.fifo) {
      throw new TopologyError(
        path,
        target.name,
        queue.fifo
          ? 'must be a FIFO queue: the dead-letter queue of a FIFO queue is FIFO'
          : 'must be a standard queue: the dead-letter queue of a standard queue is standard',
      );
    }
  }
  // Dead-letter queues first (depth-first), refusing cycles.
  const sorted: NormalQueue[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (queue: NormalQueue, index: number) => {
    const s = state.get(queue.name);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new TopologyError(
        `queues[${index}].deadLetter.queue`,
        queue.deadLetter?.queue,
        'makes a cycle of dead-letter queues',
      );
    state.set(queue.name, 'visiting');
    if (queue.deadLetter) {
      const target = byName.get(queue.deadLetter.queue);
      if (target) visit(target.queue, index);
    }
    state.set(queue.name, 'done');
    sorted.push(queue);
  };
  for (const { queue, index } of byName.values()) visit(queue, index);
  return sorted;
}

function topics(raw: unknown[]): NormalTopic[] {
  const seen = new Set<string>();
  return raw.map((t, i) => {
    const path = `topics[${i}]`;
    if (!isObject(t)) throw new TopologyError(path, t, 'must be an object');
    onlyKeys(t, path, ['name', 'fifo', 'attributes']);
    const n = name(t.name, `${path}.name`, TOPIC_NAME, FIFO_TOPIC_NAME, 'topic');
    if (seen.has(n)) throw new TopologyError(`${path}.name`, n, 'is declared twice');
    seen.add(n);
    const fifo = fifoFlag(t.fifo, n, `${path}.fifo`);
    return { name: n, fifo, attributes: attributes(t.attributes, `${path}.attributes`, topicForbidden) };
  });
}

function subscriptions(raw: unknown[], qs: NormalQueue[], ts: NormalTopic[]): NormalSubscription[] {
  const seen = new Set<string>();
  return raw.map((s, i) => {
    const path = `subscriptions[${i}]`;
    if (!isObject(s)) throw new TopologyError(path, s, 'must be an object');
    onlyKeys(s, path, ['topic', 'queue', 'filterPolicy', 'filterPolicyScope', 'rawMessageDelivery']);
    const topic = ts.find((t) => t.name === s.topic);
    if (!topic) throw new TopologyError(`${path}.topic`, s.topic, 'must be the name of a declared topic');
    const queue = qs.find((q) => q.name === s.queue);
    if (!queue) throw new TopologyError(`${path}.queue`, s.queue, 'must be the name of a declared queue');
    if (queue.fifo && !topic.fifo) {
      throw new TopologyError(
        `${path}.queue`,
        queue.name,
        `is a FIFO queue: it can only subscribe to a FIFO topic (${topic.name} is standard)`,
      );
    }
    const key = `${topic.name}\u0000${queue.name}`;
    if (seen.has(key)) throw new TopologyError(path, `${topic.name} → ${queue.name}`, 'is declared twice');
    seen.add(key);
    const out: NormalSubscription = { topic: topic.name, queue: queue.name };
    const scope = s.filterPolicyScope;
    if (scope !== undefined) {
      if (scope !== 'MessageAttributes' && scope !== 'MessageBody') {
        throw new TopologyError(
          `${path}.filterPolicyScope`,
          scope,
          'must be MessageAttributes or MessageBody',
        );
      }
      out.filterPolicyScope = scope;
    }
    if (s.filterPolicy !== undefined) {
      const fp = s.filterPolicy;
      if (typeof fp !== 'string' && !isObject(fp))
        throw new TopologyError(`${path}.filterPolicy`, fp, 'must be an object or a JSON string');
      const text = typeof fp === 'string' ? fp : JSON.stringify(fp);
      const result = validateFilterPolicy(text, out.filterPolicyScope ?? 'MessageAttributes');
      if (!result.ok)
        throw new TopologyError(`${path}.filterPolicy`, fp, `is rejected by SNS: ${result.error.reason}`);
      out.filterPolicy = text;
    }
    if (s.rawMessageDelivery !== undefined) {
      if (typeof s.rawMessageDelivery !== 'boolean')
        throw new TopologyError(`${path}.rawMessageDelivery`, s.rawMessageDelivery, 'must be a boolean');
      out.rawMessageDelivery = s.rawMessageDelivery;
    }
    return out;
  });
}

/**
 * Checks a topology (typically read from a file) and returns it normalized. Throws a
 * {@link TopologyError} naming the first offending field.
 */
export function validateTopology(value: unknown): NormalTopology {
  if (!isObject(value))
    throw new TopologyError('topology', value, 'must be an object with queues, topics and subscriptions');
  onlyKeys(value, 'topology', ['queues', 'topics', 'subscriptions', 'routes', 'consumers']);
  const qs = queues(list(value.queues, 'queues'));
  const ts = topics(list(value.topics, 'topics'));
  const ss = subscriptions(list(value.subscriptions, 'subscriptions'), qs, ts);
  const rs = routes(list(value.routes, 'routes'), qs, ts);
  const cs = validateConsumers(list(value.consumers, 'consumers'), new Set(qs.map((q) => q.name)));
  return { queues: qs, topics: ts, subscriptions: ss, routes: rs, consumers: cs };
}

/** Routes: each names a declared queue or topic, and no event name is routed twice. */
function routes(raw: unknown[], qs: NormalQueue[], ts: NormalTopic[]): RouteDeclaration[] {
  const table = new RouteTable<number>();
  return raw.map((r, i) => {
    const path = `routes[${i}]`;
    let route: RouteDeclaration;
    try {
      route = checkRoute(r, path);
      table.add(route.events, i, path);
    } catch (error) {
      if (error instanceof RouteError) throw new TopologyError(error.field, r, error.rule);
      throw error;
    }
    if (route.queue !== undefined && !qs.some((q) => q.name === route.queue))
      throw new TopologyError(`${path}.queue`, route.queue, 'must be the name of a declared queue');
    if (route.topic !== undefined && !ts.some((t) => t.name === route.topic))
      throw new TopologyError(`${path}.topic`, route.topic, 'must be the name of a declared topic');
    return route;
  });
}

/** The same topology, typed: use it to declare a topology in TypeScript with checking at compile time. */
export function defineTopology(topology: Topology): Topology {
  return topology;
}
