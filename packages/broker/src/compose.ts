import type { Clock } from './clock.js';
import { SnsArchive } from './sns/archive/archive.js';
import { HttpDeliveries } from './sns/delivery/http.js';
import { DeliveryOutbox } from './sns/delivery/outbox.js';
import { SnsState } from './sns/state.js';
import type { SnsConfig } from './sns/types.js';
import { LongPolls } from './sqs/long-poll.js';
import { MoveTasks } from './sqs/move-tasks.js';
import { QueueRegistry } from './sqs/queue-registry.js';
import { Sweeper } from './sqs/retention.js';
import { SqsState } from './sqs/state.js';
import type { Store } from './store/contract.js';

/** What the broker's core is made of, besides the store and the clock. */
export interface CoreOptions {
  /** The account id in queue and topic ARNs and queue URLs. */
  accountId: string;
  /** The SNS settings (`accountId` is the one above). */
  sns: Omit<SnsConfig, 'accountId'>;
}

/** The SQS and SNS states, and the background workers behind them. */
export interface BrokerCore {
  readonly sqs: SqsState;
  readonly sns: SnsState;
  /**
   * Starts the background work: a first retention sweep, the message move tasks a previous run left
   * running, and the HTTP/S deliveries it left pending.
   */
  start(): void;
  /** Stops the background work: long polls return at once, HTTP/S attempts in progress are abandoned. */
  stop(): void;
}

/**
 * The composition root: builds the queue registry, the long polls, the retention sweeper, the move
 * tasks and the HTTP/S delivery worker, and the SQS and SNS states the actions act on, in one place.
 * Nothing else builds a worker: each worker gets the narrow port it uses (`QueuePort` in
 * `sqs/types.ts`, `SnsDeliveryPort` in `sns/types.ts`), never a whole state, so the arrows point one
 * way — states and workers to the helpers and the store, this module to all of them.
 */
export function composeCore(store: Store, clock: Clock, options: CoreOptions): BrokerCore {
  const { accountId } = options;
  const queues = new QueueRegistry(store, accountId);
  const polls = new LongPolls(clock);
  const sweeper = new Sweeper({ store, clock, queues, polls });
  const moves = new MoveTasks({ store, clock, polls, sweeper, byArn: (arn) => queues.byArn(arn) });
  const sqs = new SqsState(store, clock, { accountId }, { queues, polls, sweeper, moves });
  const outbox = new DeliveryOutbox(store);
  const sns = new SnsState(store, sqs, clock, { ...options.sns, accountId }, outbox);
  const http = new HttpDeliveries(sns, outbox);
  const archive = new SnsArchive(sns);
  sns.archive = archive;
  return {
    sqs,
    sns,
    start() {
      sweeper.due(clock.now());
      moves.resume();
      http.schedule();
      archive.schedule();
    },
    stop() {
      polls.close();
      http.stop();
      archive.stop();
    },
  };
}
