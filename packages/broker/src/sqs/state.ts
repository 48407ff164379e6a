import type { Clock } from '../clock.js';
import { sqsErrors } from '../errors.js';
import type { Store } from '../store/index.js';
import { LongPolls } from './long-poll.js';
import { MoveTasks } from './move-tasks.js';
import { type Queue, QueueRegistry } from './queue-registry.js';
import { Sweeper } from './retention.js';
import type { RequestContext } from './types.js';

/** Broker-wide settings the SQS actions need. */
export interface SqsConfig {
  /** The account id in queue URLs and ARNs. */
  accountId: string;
}

/**
 * Everything the SQS actions act on: the store, the clock, the queue registry and the long-poll
 * waiters. Actions are plain functions of `(state, context, input)`.
 */
export class SqsState {
  readonly queues: QueueRegistry;
  readonly polls: LongPolls;
  /** Reclaims expired messages, deduplication entries and receive attempts in the background. */
  readonly sweeper: Sweeper;
  /** The running message move tasks (StartMessageMoveTask). */
  readonly moves: MoveTasks;
  /** Names of recently deleted queues (region, name) → when, for `QueueDeletedRecently`. */
  readonly recentlyDeleted = new Map<string, number>();

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly config: SqsConfig,
  ) {
    this.queues = new QueueRegistry(store, config.accountId);
    this.polls = new LongPolls(clock);
    this.sweeper = new Sweeper(this);
    this.sweeper.due(clock.now());
    this.moves = new MoveTasks(this);
    this.moves.resume();
  }

  /** The URL of a queue, as the client addressed the broker. */
  queueUrl(ctx: RequestContext, queue: Queue): string {
    return `${ctx.origin}/${this.config.accountId}/${queue.name}`;
  }

  /**
   * The queue a `QueueUrl` names (`…/ACCOUNT/NAME`; a bare name is accepted too), in the request's
   * region. Unknown queues are `QueueDoesNotExist`.
   */
  resolve(ctx: RequestContext, queueUrl: string): Queue {
    const parts = queueUrl.split('/');
    const name = parts[parts.length - 1] ?? '';
    const account = parts.length > 1 ? parts[parts.length - 2] : this.config.accountId;
    const queue = account === this.config.accountId ? this.queues.get(ctx.region, name) : undefined;
    if (!queue) throw sqsErrors.queueDoesNotExist();
    return queue;
  }

  /** The queue an ARN names (`arn:aws:sqs:REGION:ACCOUNT:NAME`), if it exists. */
  byArn(arn: string): Queue | undefined {
    const [, , service, region, account, name] = arn.split(':');
    if (service !== 'sqs' || account !== this.config.accountId || !region || !name) return undefined;
    return this.queues.get(region, name);
  }
}
