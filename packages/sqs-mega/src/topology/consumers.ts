import type { ListenerQueue, PriorityOptions } from '../listen/priority/options.js';
import type { ConsumerDeclaration, ConsumerQueueDeclaration } from './consumer-types.js';
import { TopologyError } from './errors.js';
import type { AppliedResource, Topology } from './types.js';

export type { ConsumerDeclaration, ConsumerQueueDeclaration } from './consumer-types.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks `consumers`: unique names, declared queues each listed once, a known policy, finite weights
 * > 0, priorities and minShares as `Listener` takes them. Throws a {@link TopologyError} naming the field.
 */
export function validateConsumers(raw: unknown[], queueNames: ReadonlySet<string>): ConsumerDeclaration[] {
  const names = new Set<string>();
  return raw.map((c, i) => {
    const path = `consumers[${i}]`;
    if (!isObject(c)) throw new TopologyError(path, c, 'must be an object { name, queues, policy? }');
    for (const key of Object.keys(c))
      if (!['name', 'queues', 'policy'].includes(key))
        throw new TopologyError(
          `${path}.${key}`,
          c[key],
          'is not a known field (known: name, queues, policy)',
        );
    if (typeof c.name !== 'string' || c.name === '')
      throw new TopologyError(`${path}.name`, c.name, 'must be a name');
    if (names.has(c.name)) throw new TopologyError(`${path}.name`, c.name, 'is declared twice');
    names.add(c.name);
    const policy = c.policy ?? 'strict';
    if (policy !== 'strict' && policy !== 'weighted')
      throw new TopologyError(`${path}.policy`, c.policy, "must be 'strict' or 'weighted'");
    if (!Array.isArray(c.queues) || c.queues.length === 0)
      throw new TopologyError(
        `${path}.queues`,
        c.queues,
        'must be a non-empty array of { queue, priority?, weight? }',
      );
    const seen = new Set<string>();
    const ranked = c.queues.some((q) => isObject(q) && q.priority !== undefined);
    let minShares = 0;
    const queues = c.queues.map((q, j) => {
      const qp = `${path}.queues[${j}]`;
      if (!isObject(q)) throw new TopologyError(qp, q, 'must be an object { queue, priority?, weight? }');
      for (const key of Object.keys(q))
        if (!['queue', 'priority', 'weight', 'minShare'].includes(key))
          throw new TopologyError(
            `${qp}.${key}`,
            q[key],
            'is not a known field (known: queue, priority, weight, minShare)',
          );
      if (typeof q.queue !== 'string' || !queueNames.has(q.queue))
        throw new TopologyError(`${qp}.queue`, q.queue, 'must be the name of a declared queue');
      if (seen.has(q.queue)) throw new TopologyError(`${qp}.queue`, q.queue, 'is listed twice');
      seen.add(q.queue);
      const w = q.weight;
      if (w !== undefined && !(typeof w === 'number' && Number.isFinite(w) && w > 0))
        throw new TopologyError(`${qp}.weight`, w, 'must be a finite number > 0');
      for (const field of ['priority', 'minShare'] as const) {
        if (q[field] !== undefined && policy === 'weighted')
          throw new TopologyError(`${qp}.${field}`, q[field], "is only used by policy 'strict'");
      }
      if (q.priority !== undefined && !(typeof q.priority === 'number' && Number.isFinite(q.priority)))
        throw new TopologyError(`${qp}.priority`, q.priority, 'must be a finite number');
      if (ranked && q.priority === undefined)
        throw new TopologyError(
          `${qp}.priority`,
          q.priority,
          'must be given: a priority for every queue or for none',
        );
      const m = q.minShare;
      if (m !== undefined && !(typeof m === 'number' && m >= 0 && m < 1))
        throw new TopologyError(`${qp}.minShare`, m, 'must be a number from 0 to below 1');
      minShares += (m as number | undefined) ?? 0;
      return q as unknown as ConsumerQueueDeclaration;
    });
    if (minShares >= 1)
      throw new TopologyError(`${path}.queues`, minShares, 'must have minShares adding up to less than 1');
    return { name: c.name, queues, ...(c.policy === undefined ? {} : { policy }) };
  });
}

/**
 * The `queues` and `priority` options of a `Listener` for the consumer `name` of `topology`, with the
 * URLs from what `applyTopology` returned: `new Listener({ client, ...consumerOptions(topology, applied, 'worker') })`.
 * @throws {@link TopologyError} for an undeclared consumer or a queue without a URL (a dry run).
 */
export function consumerOptions(
  topology: Topology,
  applied: { queues: Record<string, AppliedResource | undefined> },
  name: string,
): { queues: ListenerQueue[]; priority: PriorityOptions } {
  const consumers = topology.consumers ?? [];
  const index = consumers.findIndex((c) => c.name === name);
  const consumer = consumers[index];
  if (!consumer) throw new TopologyError('consumers', name, `must declare a consumer named ${name}`);
  const queues = consumer.queues.map((q, j) => {
    const url = applied.queues[q.queue]?.url;
    if (!url)
      throw new TopologyError(
        `consumers[${index}].queues[${j}].queue`,
        q.queue,
        'has no URL in the applied topology',
      );
    const { queue: _, ...rest } = q;
    return { url, ...rest };
  });
  return { queues, priority: { policy: consumer.policy ?? 'strict' } };
}
