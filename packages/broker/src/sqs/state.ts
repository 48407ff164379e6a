import type { Clock } from '../clock.js';
import { sqsErrors } from '../errors.js';
import type { Store } from '../store/contract.js';
import type { LongPolls } from './long-poll.js';
import type { MoveTasks } from './move-tasks.js';
import type { QueueRegistry } from './queue-registry.js';
import type { Sweeper } from './retention.js';
import type { Queue, QueuePort, RequestContext } from './types.js';

/** Broker-wide settings the SQS actions need. */
export interface SqsConfig {
  /** The account id in queue URLs and ARNs. */
  accountId: string;
}

/** The workers an {@link SqsState} hands to the actions, built by the composition root (`compose.ts`). */
export interface SqsWorkers {
  readonly queues: QueueRegistry;
  readonly polls: LongPolls;
  readonly sweeper: Sweeper;
  readonly moves: MoveTasks;
}

/**
 * Everything the SQS actions act on: the store, the clock, the queue registry, the long-poll
 * waiters, the sweeper and the move tasks. Actions are plain functions of `(state, context, input)`.
 * It builds nothing: the workers are made and started by the composition root (`compose.ts`), and
 * the helpers they share with the actions take the narrow {@link QueuePort}, which this state is.
 */
export class SqsState implements QueuePort {
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
    workers: SqsWorkers,
  ) {
    this.queues = workers.queues;
    this.polls = workers.polls;
    this.sweeper = workers.sweeper;
    this.moves = workers.moves;
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
    return this.queues.byArn(arn);
  }
}
