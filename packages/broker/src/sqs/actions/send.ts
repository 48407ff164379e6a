import { sqsErrors } from '../../errors.js';
import type { NewMessage } from '../../store/index.js';
import { fairSent } from '../fair.js';
import { checkFifoId, checkFifoSend, insertFifo } from '../fifo.js';
import { md5OfBody, md5OfMessageAttributes } from '../md5.js';
import { messageId as newMessageId } from '../message-id.js';
import { checkBody, checkMessageAttributes, checkSystemAttributes } from '../message-validation.js';
import {
  type Input,
  isPlainAscii,
  isUnescaped,
  optionalInt,
  optionalString,
  requiredString,
} from '../params.js';
import type { SqsState } from '../state.js';
import type { Queue, RequestContext } from '../types.js';
import { batchEntries, batchFailure, batchResult } from './batch.js';

/** A validated message, ready to store, with what the sender is told about it. */
export interface Prepared {
  row: NewMessage;
  size: number;
  result: {
    MessageId: string;
    MD5OfMessageBody: string;
    MD5OfMessageAttributes?: string;
    MD5OfMessageSystemAttributes?: string;
    SequenceNumber?: string;
  };
}

/**
 * What checking and hashing a message's content gives, whatever queue it goes to: the same for every
 * queue an SNS publish delivers it to, so a fan-out computes it once (see `Deliveries`).
 */
export interface CheckedContent {
  body: string;
  /** The attributes, normalized, as stored (JSON), or null without any. */
  attributesJson: string | null;
  /** Body and attributes, in bytes, as SQS counts them against MaximumMessageSize. */
  size: number;
  md5Body: string;
  md5Attributes: string | null;
  trace: string | undefined;
}

/**
 * Validates a message's body and attributes and hashes them. Throws the error SQS gives. `unescaped`:
 * the input came from JSON text with no backslash (`isUnescaped` of the request): an ASCII body then
 * holds only printable characters and DEL, all valid, and is not scanned again. `ascii`: that text was
 * ASCII as well (`isPlainAscii` of the request): the body's UTF-8 length is its length, not counted.
 */
export function checkContent(input: Input, unescaped = false, ascii = false): CheckedContent {
  const body = input.MessageBody;
  if (body === undefined || body === null || body === '') throw sqsErrors.missingParameter('MessageBody');
  if (typeof body !== 'string')
    throw sqsErrors.invalidParameterValue(
      'Value for parameter MessageBody is invalid. Reason: must be a string.',
    );
  if (unescaped && ascii) {
    // printable ASCII and DEL only (see isPlainAscii): valid, one byte a character
    return content(input, body, body.length);
  }
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  if (!unescaped || bodyBytes !== body.length) checkBody(body, bodyBytes);
  return content(input, body, bodyBytes);
}

/** {@link checkContent} after the body's check: its attributes checked, body and attributes hashed. */
function content(input: Input, body: string, bodyBytes: number): CheckedContent {
  const raw = input.MessageAttributes;
  if (raw === undefined || raw === null) {
    // most messages: no attributes to check, normalize or hash
    return {
      body,
      attributesJson: null,
      size: bodyBytes,
      md5Body: md5OfBody(body),
      md5Attributes: null,
      trace: checkSystemAttributes(input.MessageSystemAttributes),
    };
  }
  const { attributes, size: attributesSize } = checkMessageAttributes(raw);
  const trace = checkSystemAttributes(input.MessageSystemAttributes);
  const hasAttributes = Object.keys(attributes).length > 0;
  return {
    body,
    attributesJson: hasAttributes ? JSON.stringify(attributes) : null,
    size: bodyBytes + attributesSize,
    md5Body: md5OfBody(body),
    md5Attributes: hasAttributes ? md5OfMessageAttributes(attributes) : null,
    trace,
  };
}

/** The message's own DelaySeconds: 0 to 900 s, refused beyond with the message SQS gives. */
function delayOf(input: Input): number | undefined {
  const value = input.DelaySeconds;
  if (typeof value === 'number' && Number.isInteger(value) && (value < 0 || value > 900)) {
    throw sqsErrors.invalidParameterValue(
      `Value ${value} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
    );
  }
  return optionalInt(input, 'DelaySeconds', 0, 900);
}

/**
 * Validates one message for `queue` and prepares its row. Throws the error SQS gives for that message.
 * `content` is {@link checkContent} of `input`, when the caller has it already.
 */
export function prepare(
  state: SqsState,
  ctx: RequestContext,
  queue: Queue,
  input: Input,
  now: number,
  content: CheckedContent = checkContent(input),
): Prepared {
  const { body, size } = content;
  // MessageSystemAttributes.AWSTraceHeader wins; else the X-Ray header of the request, as SQS does
  const trace = content.trace ?? ctx.traceHeader;
  const limit = queue.settings.maximumMessageSize;
  if (size > limit) {
    // SQS words it "Message must be shorter than 1048576 bytes." yet accepts exactly 1,048,576: the
    // code and the "One or more parameters are invalid. Reason: Message must be" prefix are SQS's,
    // the bound is stated as it is applied.
    throw sqsErrors.invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be at most ${limit} bytes (MaximumMessageSize); this one is ${size} bytes (body and attributes).`,
    );
  }
  const delay = delayOf(input);
  let groupId = optionalString(input, 'MessageGroupId');
  let dedupId = optionalString(input, 'MessageDeduplicationId');
  if (queue.fifo) {
    ({ groupId, dedupId } = checkFifoSend(queue, body, groupId, dedupId, delay));
  } else {
    if (dedupId !== undefined) {
      throw sqsErrors.invalidParameterValue(
        'The request include parameter MessageDeduplicationId that is not valid for this queue type: only FIFO queues accept it.',
      );
    }
    if (groupId !== undefined) checkFifoId('MessageGroupId', groupId);
  }
  const messageId = newMessageId();
  return {
    size,
    row: {
      queue_id: queue.id,
      message_id: messageId,
      body,
      attributes: content.attributesJson,
      md5_body: content.md5Body,
      md5_attributes: content.md5Attributes,
      sent_at: now,
      visible_at: now + (delay ?? queue.settings.delaySeconds) * 1000,
      sender_id: ctx.accessKeyId ?? state.config.accountId,
      trace_header: trace ?? null,
      group_id: groupId ?? null,
      dedup_id: dedupId ?? null,
      sequence_number: null,
      dead_letter_source_arn: null,
    },
    result: {
      MessageId: messageId,
      MD5OfMessageBody: content.md5Body,
      MD5OfMessageAttributes: content.md5Attributes ?? undefined,
      MD5OfMessageSystemAttributes:
        trace !== undefined
          ? md5OfMessageAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: trace } })
          : undefined,
    },
  };
}

/**
 * Stores a prepared message (inside the caller's write). On a FIFO queue a duplicate within the
 * deduplication window is not stored; the result then names the original message, as SQS answers.
 */
export function store(state: SqsState, queue: Queue, prepared: Prepared, now: number): void {
  storeAll(state, queue, [prepared], now);
}

/** Stores prepared messages in order (inside the caller's write): one INSERT per 10 on standard queues. */
export function storeAll(state: SqsState, queue: Queue, prepared: readonly Prepared[], now: number): void {
  if (queue.fifo) {
    if (prepared.length === 0) return;
    // one UPDATE of the counter for the batch (a deduplicated message leaves its number unused)
    let sequence = state.store.queues.nextSequence(queue.id, prepared.length);
    for (const p of prepared) {
      const stored = insertFifo(state, queue, p.row as Parameters<typeof insertFifo>[2], now, sequence++);
      p.result.MessageId = stored.messageId;
      p.result.SequenceNumber = stored.sequenceNumber;
    }
    return;
  }
  storeStandard(
    state,
    prepared.map((p) => p.row),
    () => queue,
    now,
  );
}

/**
 * Stores messages of standard queues, in order, inside the caller's write: one INSERT per 10
 * messages; fair-queue groups and the retention sweep follow. `queueOf(i)` is the queue of `rows[i]`.
 */
export function storeStandard(
  state: SqsState,
  rows: readonly NewMessage[],
  queueOf: (i: number) => Queue,
  now: number,
): void {
  state.store.messages.insertMany(rows);
  let sweepAt = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as NewMessage;
    const queue = queueOf(i);
    if (row.group_id !== null) fairSent(state, queue, row.group_id);
    sweepAt = Math.min(sweepAt, now + queue.settings.messageRetentionPeriod * 1000);
  }
  state.sweeper.due(sweepAt);
}

/** SendMessage: stores one message; answers once it is committed. */
export async function sendMessage(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const now = state.clock.now();
  const prepared = prepare(
    state,
    ctx,
    queue,
    input,
    now,
    checkContent(input, isUnescaped(input), isPlainAscii(input)),
  );
  await state.store.write(() => store(state, queue, prepared, now));
  state.polls.notify(queue.id);
  return prepared.result;
}

/** SendMessageBatch: up to 10 messages, each succeeding or failing on its own. */
export async function sendMessageBatch(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const entries = batchEntries(input, 'SendMessageBatchRequestEntry');
  const now = state.clock.now();
  const successful: Array<Prepared['result'] & { Id: string }> = [];
  const failed = [];
  const rows: Prepared[] = [];
  let total = 0;
  const unescaped = isUnescaped(input);
  const ascii = isPlainAscii(input);
  for (const entry of entries) {
    const id = entry.Id as string;
    try {
      const prepared = prepare(state, ctx, queue, entry, now, checkContent(entry, unescaped, ascii));
      total += prepared.size;
      rows.push(prepared);
      // Id after the MD5s, before any SequenceNumber storeAll adds, as SQS orders them
      const result = prepared.result as Prepared['result'] & { Id: string };
      result.Id = id;
      successful.push(result);
    } catch (error) {
      failed.push(batchFailure(id, error));
    }
  }
  const limit = queue.settings.maximumMessageSize;
  if (total > limit) throw sqsErrors.batchRequestTooLong(total, limit);
  if (rows.length > 0) {
    await state.store.write(() => storeAll(state, queue, rows, now));
    state.polls.notify(queue.id);
  }
  return batchResult(successful, failed);
}
