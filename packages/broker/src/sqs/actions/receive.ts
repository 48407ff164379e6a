import { sqsErrors } from '../../errors.js';
import type { MessageRow } from '../../store/index.js';
import { deadLetterIfExhausted } from '../dead-letter.js';
import { pickFair } from '../fair.js';
import { checkFifoId, FIFO_WINDOW_MS, pickFifo, refreshGroup } from '../fifo.js';
import { md5OfMessageAttributes } from '../md5.js';
import { type Input, optionalInt, optionalString, requiredString, stringList } from '../params.js';
import { encodeReceipt, newReceiptToken } from '../receipt.js';
import { retentionCutoff } from '../retention.js';
import type { SqsState } from '../state.js';
import type { AttributeMap, MessageOutput, Queue, RequestContext } from '../types.js';

const SYSTEM_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SentTimestamp',
  'SenderId',
  'AWSTraceHeader',
  'MessageDeduplicationId',
  'MessageGroupId',
  'SequenceNumber',
  'DeadLetterQueueSourceArn',
] as const;
type SystemAttribute = (typeof SYSTEM_ATTRIBUTES)[number];
const KNOWN = new Set<string>([...SYSTEM_ATTRIBUTES, 'All']);

/** What a receive asked for, validated. */
interface ReceiveRequest {
  queue: Queue;
  max: number;
  visibilityMs: number;
  waitMs: number;
  system: Set<SystemAttribute>;
  attributeFilter: (name: string) => boolean;
  /** ReceiveRequestAttemptId (FIFO queues only). */
  attemptId?: string;
}

/**
 * ReceiveMessage: up to MaxNumberOfMessages receivable messages, each hidden for the visibility
 * timeout and given a new receipt handle. With WaitTimeSeconds (or the queue's
 * ReceiveMessageWaitTimeSeconds) it long-polls: it returns as soon as one message is available, or
 * empty at the deadline.
 */
export async function receiveMessage(state: SqsState, ctx: RequestContext, input: Input) {
  const request = parse(state, ctx, input);
  const deadline = state.clock.now() + request.waitMs;
  for (;;) {
    // one instant per attempt: asked at a later one, the next visibility time could be one already
    // past (the message became visible in between), and the wait would last to the deadline
    const now = state.clock.now();
    const messages = await receiveNow(state, request, now);
    if (
      messages.length > 0 ||
      now >= deadline ||
      !state.queues.get(request.queue.region, request.queue.name)
    ) {
      return { Messages: messages.length > 0 ? messages : undefined };
    }
    const next = request.queue.fifo
      ? state.store.fifo.nextReadyAt(request.queue.id, now)
      : state.store.messages.nextVisibleAt(request.queue.id, now);
    await state.polls.wait(request.queue.id, Math.min(deadline, next ?? deadline), ctx.signal);
    // a client that hung up while waiting must not be handed messages (the signal exists only once
    // a wait asked for it: a receive that does not wait never builds one)
    if (state.polls.isClosed || ctx.signal?.aborted) return {};
  }
}

function parse(state: SqsState, ctx: RequestContext, input: Input): ReceiveRequest {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const max = optionalInt(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
  const visibility = optionalInt(input, 'VisibilityTimeout', 0, 43200) ?? queue.settings.visibilityTimeout;
  const wait = optionalInt(input, 'WaitTimeSeconds', 0, 20) ?? queue.settings.receiveMessageWaitTimeSeconds;
  const names = [...stringList(input, 'AttributeNames'), ...stringList(input, 'MessageSystemAttributeNames')];
  for (const name of names) {
    if (!KNOWN.has(name)) throw sqsErrors.invalidAttributeName(`Unknown Attribute ${name.slice(0, 128)}.`);
  }
  const system = new Set<SystemAttribute>(
    names.includes('All') ? SYSTEM_ATTRIBUTES : (names as SystemAttribute[]),
  );
  return {
    queue,
    max,
    visibilityMs: visibility * 1000,
    waitMs: wait * 1000,
    system,
    attributeFilter: attributeFilter(stringList(input, 'MessageAttributeNames')),
    attemptId: attemptIdOf(queue, input),
  };
}

function attemptIdOf(queue: Queue, input: Input): string | undefined {
  const id = optionalString(input, 'ReceiveRequestAttemptId');
  return id !== undefined && queue.fifo ? checkFifoId('ReceiveRequestAttemptId', id) : undefined;
}

/** `All` or `.*`: every attribute; `prefix.*`: those under the prefix; otherwise exact names. */
function attributeFilter(patterns: string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false;
  if (patterns.includes('All') || patterns.includes('.*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.endsWith('.*')));
  const prefixes = patterns.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1));
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

/** A receive's messages, as a retried receive with the same ReceiveRequestAttemptId finds them. */
type AttemptReceipts = Array<{ seq: number; token: string }>;

/** One attempt: takes what is receivable at `now`, in one committed write. */
async function receiveNow(state: SqsState, request: ReceiveRequest, now: number): Promise<MessageOutput[]> {
  const { queue } = request;
  const cutoff = retentionCutoff(queue, now);
  const maybe = queue.fifo
    ? state.store.fifo.readyGroups(queue.id, now, 1).length > 0 || request.attemptId !== undefined
    : state.store.messages.anyReady(queue.id, now, cutoff);
  if (!maybe) return [];
  return state.store.write(() => {
    const retried = request.attemptId !== undefined ? retryAttempt(state, request, now) : undefined;
    if (retried) return retried;
    const out: MessageOutput[] = [];
    const receipts: AttemptReceipts = [];
    // one token per receive: a handle names the message and this receive of it
    const token = newReceiptToken();
    const take = (row: MessageRow): boolean => {
      if (deadLetterIfExhausted(state, queue, row, now)) return false;
      state.store.messages.markReceived(row.seq, now, now + request.visibilityMs, token);
      row.receive_count += 1;
      row.first_received_at ??= now;
      receipts.push({ seq: row.seq, token });
      out.push(toOutput(request, row, encodeReceipt({ queueId: queue.id, seq: row.seq, token })));
      return true;
    };
    if (queue.fifo) pickFifo(state, queue, now, cutoff, request.max, now + request.visibilityMs, take);
    else pickStandard(state, queue, now, cutoff, request.max, take);
    if (request.attemptId !== undefined && receipts.length > 0) {
      state.store.fifo.putAttempt(
        queue.id,
        request.attemptId,
        JSON.stringify(receipts),
        now + FIFO_WINDOW_MS,
      );
      state.sweeper.due(now + FIFO_WINDOW_MS);
    }
    return out;
  });
}

/**
 * Takes up to `max` visible messages of a standard queue: fairly across message groups if it has any,
 * then oldest first; dead-lettered ones do not count.
 */
function pickStandard(
  state: SqsState,
  queue: Queue,
  now: number,
  cutoff: number,
  max: number,
  take: (row: MessageRow) => boolean,
): void {
  const seen = new Set<number>();
  const takeOnce = (row: MessageRow) => {
    seen.add(row.seq);
    return take(row);
  };
  let taken = pickFair(state, queue, now, cutoff, max, seen, takeOnce);
  while (taken < max) {
    const want = max - taken;
    const rows = state.store.messages.ready(queue.id, now, cutoff, want).filter((r) => !seen.has(r.seq));
    for (const row of rows) if (takeOnce(row)) taken++;
    // rows moved to the dead-letter queue leave room: look again
    if (taken >= max || rows.length < want) return;
  }
}

/**
 * A receive retried with the same ReceiveRequestAttemptId within 5 minutes gets the same messages
 * and receipt handles, their visibility timeout reset — provided none of them was deleted or received
 * again since. Otherwise it is a new receive.
 */
function retryAttempt(state: SqsState, request: ReceiveRequest, now: number): MessageOutput[] | undefined {
  const { queue } = request;
  const stored = state.store.fifo.attempt(queue.id, request.attemptId as string, now);
  if (stored === undefined) return undefined;
  const receipts = JSON.parse(stored) as AttemptReceipts;
  const rows = receipts.map((r) => state.store.messages.get(queue.id, r.seq));
  if (rows.some((row, i) => row?.receipt !== receipts[i]?.token)) return undefined;
  const groups = new Set<string>();
  for (const row of rows as MessageRow[]) {
    state.store.messages.setVisibleAt(row.seq, now + request.visibilityMs);
    if (row.group_id !== null) groups.add(row.group_id);
  }
  for (const group of groups) refreshGroup(state, queue.id, group);
  return (rows as MessageRow[]).map((row) =>
    toOutput(request, row, encodeReceipt({ queueId: queue.id, seq: row.seq, token: row.receipt as string })),
  );
}

function toOutput(request: ReceiveRequest, row: MessageRow, receiptHandle: string): MessageOutput {
  const message: MessageOutput = {
    MessageId: row.message_id,
    ReceiptHandle: receiptHandle,
    MD5OfBody: row.md5_body,
    Body: row.body,
  };
  if (request.system.size > 0) message.Attributes = systemAttributes(request.system, row);
  if (row.attributes !== null) {
    const all = JSON.parse(row.attributes) as AttributeMap;
    const chosen: AttributeMap = Object.create(null); // names such as __proto__ stay own keys
    let any = false;
    for (const name of Object.keys(all)) {
      if (request.attributeFilter(name)) {
        chosen[name] = all[name] as AttributeMap[string];
        any = true;
      }
    }
    if (any) {
      message.MessageAttributes = chosen;
      const complete = Object.keys(chosen).length === Object.keys(all).length;
      message.MD5OfMessageAttributes =
        complete && row.md5_attributes ? row.md5_attributes : md5OfMessageAttributes(chosen);
    }
  }
  return message;
}

function systemAttributes(wanted: Set<SystemAttribute>, row: MessageRow): Record<string, string> {
  const values: Record<SystemAttribute, string | null> = {
    ApproximateReceiveCount: String(row.receive_count),
    ApproximateFirstReceiveTimestamp: row.first_received_at === null ? null : String(row.first_received_at),
    SentTimestamp: String(row.sent_at),
    SenderId: row.sender_id,
    AWSTraceHeader: row.trace_header,
    MessageDeduplicationId: row.dedup_id,
    MessageGroupId: row.group_id,
    SequenceNumber: row.sequence_number,
    DeadLetterQueueSourceArn: row.dead_letter_source_arn,
  };
  const out: Record<string, string> = {};
  for (const name of wanted) {
    const value = values[name];
    if (value !== null) out[name] = value;
  }
  return out;
}
