import { prepare, store } from './actions/send.js';
import type { Queue } from './queue-registry.js';
import type { SqsState } from './state.js';
import type { AttributeMap, RequestContext } from './types.js';

/** A message another service (SNS) delivers into a queue. */
export interface QueueDelivery {
  body: string;
  attributes?: AttributeMap;
  groupId?: string;
  dedupId?: string;
}

/**
 * Validates and stores one message into `queue` exactly as SendMessage would (same limits, FIFO
 * groups and deduplication), inside the caller's `store.write`: the message commits with the caller's
 * other writes. Waiting receives are woken after the commit. Returns the message id (on a FIFO queue,
 * the original's when deduplicated); throws the AwsError SendMessage would give.
 */
export function enqueue(
  state: SqsState,
  ctx: RequestContext,
  queue: Queue,
  message: QueueDelivery,
  now: number,
): string {
  const prepared = prepare(
    state,
    ctx,
    queue,
    {
      MessageBody: message.body,
      MessageAttributes: message.attributes,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: queue.fifo ? message.dedupId : undefined,
    },
    now,
  );
  store(state, queue, prepared, now);
  state.store.commits.afterCommit(() => state.polls.notify(queue.id));
  return prepared.result.MessageId;
}
