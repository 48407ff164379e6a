import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../logger.js';
import { Acknowledger } from './acks.js';
import type { FifoGroups } from './fifo.js';
import type { ResolvedQueue } from './priority/options.js';
import { readRedrivePolicy } from './redrive.js';
import { type SettleDeps, Settler } from './settle.js';

/**
 * One queue a listener consumes, with everything that is per queue: its deletes and visibility
 * changes (to its URL), its settler (its dead-letter queue, its URL on dead-lettered copies), its FIFO
 * ordering, and its `maxAttempts` (lowered to its own RedrivePolicy's `maxReceiveCount`).
 */
export interface QueueSource {
  readonly url: string;
  /** The dead-letter queue configured for it (`queues[i].deadLetterQueueUrl` or the listener's). */
  readonly deadLetterQueueUrl: string | undefined;
  readonly acks: Acknowledger;
  readonly settler: Settler;
  /** Group ordering, for a FIFO queue. */
  fifo: FifoGroups | undefined;
  /** Receives after which a message needing a retry is dead-lettered. */
  maxAttempts: number;
  /** The RedrivePolicy's dead-letter queue URL, when read at start. */
  redriveDeadLetterQueueUrl: string | undefined;
}

/** What every source shares: the settler's dependencies that are not per queue. */
export type SourceDeps = Omit<SettleDeps, 'acks' | 'deadLetterQueueUrl' | 'queueUrl' | 'deadLetterQueue'>;

/** Builds a queue's source (FIFO ordering is added by the listener, which owns the processing). */
export function createSource(
  queue: ResolvedQueue,
  deps: SourceDeps,
  maxAttempts: number,
  deleteLingerMs = 0,
): QueueSource {
  const acks = new Acknowledger(deps.client, queue.url, deps.clock, 8, deleteLingerMs);
  const source: QueueSource = {
    url: queue.url,
    deadLetterQueueUrl: queue.deadLetterQueueUrl,
    acks,
    fifo: undefined,
    maxAttempts,
    redriveDeadLetterQueueUrl: undefined,
    settler: new Settler({
      ...deps,
      acks,
      deadLetterQueueUrl: queue.deadLetterQueueUrl,
      queueUrl: queue.url,
      deadLetterQueue: () => queue.deadLetterQueueUrl ?? source.redriveDeadLetterQueueUrl,
    }),
  };
  return source;
}

/** What reading a source's RedrivePolicy needs. */
export interface RedriveCheck {
  client: SQSClient;
  logger: Logger;
  /** The `maxAttempts` option as given (undefined: the default). */
  maxAttemptsOption: number | undefined;
  /** Whether a dead-letter queue is configured for this queue (then the redrive target is not needed). */
  configuredDeadLetterQueue: boolean;
  warn(code: string, detail: string, queueUrl: string): void;
  /** Appended to warnings, naming the queue when the listener has several (e.g. ` (queue …/low)`). */
  where: string;
}

/**
 * Reads the queue's RedrivePolicy: lowers `source.maxAttempts` to its `maxReceiveCount` and keeps its
 * target as the source's default dead-letter queue. Never rejects: problems are warnings.
 */
export async function readSourceRedrive(source: QueueSource, check: RedriveCheck): Promise<void> {
  const warn = (code: string, detail: string) => check.warn(code, `${detail}${check.where}`, source.url);
  try {
    const redrive = await readRedrivePolicy(check.client, source.url);
    if (!redrive) return;
    source.redriveDeadLetterQueueUrl = redrive.deadLetterQueueUrl;
    const { maxReceiveCount } = redrive;
    if (source.maxAttempts > maxReceiveCount) {
      if (check.maxAttemptsOption !== undefined)
        warn(
          'max-attempts-above-max-receive-count',
          `maxAttempts is ${check.maxAttemptsOption} but the queue's RedrivePolicy moves messages after maxReceiveCount ${maxReceiveCount} receives: the listener dead-letters after ${maxReceiveCount}`,
        );
      else
        check.logger.info(
          { maxReceiveCount, queueUrl: source.url },
          "maxAttempts lowered to the queue's maxReceiveCount (RedrivePolicy)",
        );
      source.maxAttempts = maxReceiveCount;
    }
    if (!check.configuredDeadLetterQueue && redrive.deadLetterQueueUrl === undefined)
      warn(
        'redrive-target-unresolved',
        `the RedrivePolicy's dead-letter queue ${redrive.deadLetterTargetArn} could not be resolved to a URL: SQS moves messages there without a reason attribute`,
      );
  } catch (error) {
    warn(
      'redrive-policy-unread',
      `could not read the queue's RedrivePolicy (${error instanceof Error ? error.message : String(error)}): maxAttempts ${source.maxAttempts} may disagree with its maxReceiveCount`,
    );
  }
}
