import type { NewMessage } from '../store/index.js';
import { type CheckedContent, checkContent, prepare, store, storeStandard } from './actions/send.js';
import type { SqsState } from './state.js';
import type { AttributeMap, Queue, RequestContext } from './types.js';

/** A message another service (SNS) delivers into a queue. */
export interface QueueDelivery {
  body: string;
  attributes?: AttributeMap;
  groupId?: string;
  dedupId?: string;
}

/**
 * The deliveries of one write (an SNS publish fanning out to its subscriptions' queues), each
 * validated and stored exactly as SendMessage would (same limits, FIFO groups and deduplication).
 * Those to standard queues are stored together by {@link Deliveries.flush} — one multi-row INSERT per
 * 10 messages rather than a statement each, which is most of a fan-out's cost; those to FIFO queues
 * at once (deduplication and sequence numbers are per message). Waiting receives are woken after the
 * commit.
 */
export class Deliveries {
  // the standard-queue deliveries not stored yet: rows[i] goes to queues[i]
  private readonly rows: NewMessage[] = [];
  private readonly queues: Queue[] = [];
  // the last content checked: the deliveries of one publish to raw subscriptions share body and
  // attributes, so their validation and MD5s are computed once
  private checked: { attributes: AttributeMap | undefined; content: CheckedContent } | undefined;
  // the queues written to, whose waiting receives one after-commit hook wakes (not a hook each)
  private readonly touched = new Set<Queue>();

  constructor(
    private readonly state: SqsState,
    private readonly ctx: RequestContext,
    private readonly now: number,
  ) {}

  /**
   * Validates `message` for `queue`; returns its message id (on a FIFO queue, the original's when
   * deduplicated). Throws the AwsError SendMessage would give, storing nothing.
   */
  add(queue: Queue, message: QueueDelivery): string {
    const { state, now } = this;
    const input = {
      MessageBody: message.body,
      MessageAttributes: message.attributes,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: queue.fifo ? message.dedupId : undefined,
    };
    let checked = this.checked;
    if (
      checked === undefined ||
      checked.content.body !== message.body ||
      checked.attributes !== message.attributes
    ) {
      checked = { attributes: message.attributes, content: checkContent(input) };
      this.checked = checked;
    }
    const prepared = prepare(state, this.ctx, queue, input, now, checked.content);
    if (queue.fifo) store(state, queue, prepared, now);
    else {
      this.rows.push(prepared.row);
      this.queues.push(queue);
    }
    if (this.touched.size === 0)
      state.store.afterCommit(() => {
        for (const q of this.touched) state.polls.notify(q.id);
      });
    this.touched.add(queue);
    return prepared.result.MessageId;
  }

  /** Stores the standard-queue deliveries added so far (inside the caller's write). */
  flush(): void {
    if (this.rows.length === 0) return;
    const queues = this.queues;
    storeStandard(this.state, this.rows, (i) => queues[i] as Queue, this.now);
    this.rows.length = 0;
    this.queues.length = 0;
  }
}

/**
 * Validates and stores one message into `queue` (see {@link Deliveries}), inside the caller's
 * `store.write`. Returns the message id; throws the AwsError SendMessage would give.
 */
export function enqueue(
  state: SqsState,
  ctx: RequestContext,
  queue: Queue,
  message: QueueDelivery,
  now: number,
): string {
  const deliveries = new Deliveries(state, ctx, now);
  const id = deliveries.add(queue, message);
  deliveries.flush();
  return id;
}
