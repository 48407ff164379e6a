import { MegaError } from '../../errors.js';
import { showValue as show } from '../../show.js';

/**
 * One queue of a priority listener (`ListenerOptions.queues`). Every field but `url` has a default.
 */
export interface ListenerQueue {
  /** The queue URL. Each queue is listed once. */
  url: string;
  /**
   * `strict` policy only: the rank, a finite number; a higher one is received first. Queues of equal
   * priority form one level and share its slots by `weight`. Default: the list order (the first
   * listed is the highest); give it to every queue or to none. Refused under `weighted`.
   */
  priority?: number;
  /**
   * Share of the listener's receives among queues competing for them, a finite number > 0 (default 1):
   * under `weighted`, a queue with weight 70 next to one with 30 gets 70 % of the messages received
   * while both have work. Unused share goes to the others.
   */
  weight?: number;
  /**
   * `strict` policy only, starvation protection: the fraction of received messages, 0 ≤ minShare < 1,
   * this queue gets even while higher-priority queues have work (default 0: only when every higher
   * queue came back empty). The minShares of all queues add up to less than 1.
   */
  minShare?: number;
  /**
   * Where this queue's fatal, exhausted and poison messages go. Default: the listener's
   * `deadLetterQueueUrl`, else this queue's own RedrivePolicy target (read at start).
   */
  deadLetterQueueUrl?: string;
  /** FIFO processing for this queue (default: the listener's `fifo`, else whether the URL ends with `.fifo`). */
  fifo?: boolean;
}

/** How a listener over several `queues` chooses which one to receive from. */
export interface PriorityOptions {
  /**
   * - `strict` (default): the highest-priority queue with work gets every free slot; a lower one is
   *   received from only when every higher one came back empty (or for its `minShare`).
   * - `weighted`: free slots are shared by `weight` among the queues that have work; none starves.
   */
  policy?: 'strict' | 'weighted';
}

/** A listener option is invalid: `option` names it (e.g. `queues[1].weight`), `rule` says what it must be. */
export class ListenerOptionError extends MegaError {
  override name = 'ListenerOptionError';
  constructor(
    /** The offending option, e.g. `queues[2].weight`. */
    readonly option: string,
    /** The rejected value. */
    readonly value: unknown,
    /** What it must be. */
    readonly rule: string,
  ) {
    super(`Invalid listener option: ${option} ${rule} (got ${show(value)})`);
  }
}

/** A queue as the listener consumes it: every default resolved. */
export interface ResolvedQueue {
  url: string;
  /** Index of its level in `levels` order: 0 is received first. 0 for every queue under `weighted`. */
  level: number;
  weight: number;
  minShare: number;
  fifo: boolean;
  deadLetterQueueUrl: string | undefined;
}

/** The queue options of a listener, before resolution. */
export interface QueueSelection {
  queueUrl?: string;
  queues?: readonly ListenerQueue[];
  priority?: PriorityOptions;
  fifo?: boolean;
  deadLetterQueueUrl?: string;
}

const QUEUE_KEYS = ['url', 'priority', 'weight', 'minShare', 'deadLetterQueueUrl', 'fifo'];

/**
 * Checks `queueUrl` / `queues` / `priority` and resolves every default. Exactly one of `queueUrl`
 * and `queues` is given. Throws a {@link ListenerOptionError} naming the first offending option.
 */
export function resolveQueues(options: QueueSelection): {
  policy: 'strict' | 'weighted';
  queues: ResolvedQueue[];
} {
  const { queueUrl, queues, priority } = options;
  if (queueUrl !== undefined && queues !== undefined)
    throw new ListenerOptionError('queues', queues, 'cannot be given with queueUrl: give one of them');
  if (queueUrl === undefined && queues === undefined)
    throw new ListenerOptionError('queueUrl', queueUrl, 'is required (or queues, for several queues)');
  const policy = priority?.policy ?? 'strict';
  if (policy !== 'strict' && policy !== 'weighted')
    throw new ListenerOptionError('priority.policy', policy, "must be 'strict' or 'weighted'");
  if (queues === undefined) {
    if (typeof queueUrl !== 'string' || queueUrl === '')
      throw new ListenerOptionError('queueUrl', queueUrl, 'must be a queue URL');
    if (priority !== undefined)
      throw new ListenerOptionError(
        'priority',
        priority,
        'needs queues: it has nothing to choose with one queueUrl',
      );
    return { policy, queues: [resolveOne({ url: queueUrl }, 0, 0, options)] };
  }
  if (!Array.isArray(queues) || queues.length === 0)
    throw new ListenerOptionError(
      'queues',
      queues,
      'must be a non-empty array of { url, priority?, weight? }',
    );
  const seen = new Set<string>();
  const ranked = queues.filter((q) => isObject(q) && q.priority !== undefined).length;
  queues.forEach((q, i) => {
    const path = `queues[${i}]`;
    if (!isObject(q)) throw new ListenerOptionError(path, q, 'must be an object { url, priority?, weight? }');
    for (const key of Object.keys(q))
      if (!QUEUE_KEYS.includes(key))
        throw new ListenerOptionError(
          `${path}.${key}`,
          q[key as keyof ListenerQueue],
          `is not a known field (known: ${QUEUE_KEYS.join(', ')})`,
        );
    if (typeof q.url !== 'string' || q.url === '')
      throw new ListenerOptionError(`${path}.url`, q.url, 'must be a queue URL');
    if (seen.has(q.url)) throw new ListenerOptionError(`${path}.url`, q.url, 'is listed twice');
    seen.add(q.url);
    if (
      q.weight !== undefined &&
      !(typeof q.weight === 'number' && Number.isFinite(q.weight) && q.weight > 0)
    )
      throw new ListenerOptionError(`${path}.weight`, q.weight, 'must be a finite number > 0');
    if (q.priority !== undefined) {
      if (policy === 'weighted')
        throw new ListenerOptionError(
          `${path}.priority`,
          q.priority,
          "is only used by priority.policy 'strict' (weighted shares by weight)",
        );
      if (!(typeof q.priority === 'number' && Number.isFinite(q.priority)))
        throw new ListenerOptionError(`${path}.priority`, q.priority, 'must be a finite number');
    } else if (ranked > 0)
      throw new ListenerOptionError(
        `${path}.priority`,
        q.priority,
        'must be given: give a priority to every queue or to none',
      );
    if (q.minShare !== undefined) {
      if (policy === 'weighted')
        throw new ListenerOptionError(
          `${path}.minShare`,
          q.minShare,
          "is only used by priority.policy 'strict' (weighted never starves a queue)",
        );
      if (!(typeof q.minShare === 'number' && q.minShare >= 0 && q.minShare < 1))
        throw new ListenerOptionError(`${path}.minShare`, q.minShare, 'must be a number from 0 to below 1');
    }
    if (q.fifo !== undefined && typeof q.fifo !== 'boolean')
      throw new ListenerOptionError(`${path}.fifo`, q.fifo, 'must be a boolean');
    if (
      q.deadLetterQueueUrl !== undefined &&
      (typeof q.deadLetterQueueUrl !== 'string' || q.deadLetterQueueUrl === '')
    )
      throw new ListenerOptionError(
        `${path}.deadLetterQueueUrl`,
        q.deadLetterQueueUrl,
        'must be a queue URL',
      );
  });
  const minShares = queues.reduce((sum, q) => sum + (q.minShare ?? 0), 0);
  if (minShares >= 1)
    throw new ListenerOptionError(
      'queues[].minShare',
      minShares,
      'must add up to less than 1 over all queues',
    );
  // Levels: distinct priorities, highest first; without priorities, one level per queue in list order.
  const ranks =
    policy === 'weighted'
      ? queues.map(() => 0)
      : ranked > 0
        ? queues.map((q) => q.priority as number)
        : queues.map((_, i) => -i);
  const levels = [...new Set(ranks)].sort((a, b) => b - a);
  return {
    policy,
    queues: queues.map((q, i) => resolveOne(q, levels.indexOf(ranks[i] as number), i, options)),
  };
}

function resolveOne(q: ListenerQueue, level: number, _index: number, options: QueueSelection): ResolvedQueue {
  return {
    url: q.url,
    level,
    weight: q.weight ?? 1,
    minShare: q.minShare ?? 0,
    fifo: q.fifo ?? options.fifo ?? q.url.endsWith('.fifo'),
    deadLetterQueueUrl: q.deadLetterQueueUrl ?? options.deadLetterQueueUrl,
  };
}

function isObject(value: unknown): value is ListenerQueue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
