import { createHash, randomUUID } from 'node:crypto';
import { setOwn } from 'sqs-mega/core';
import { AwsError, snsErrors } from '../../errors.js';
import { Deliveries } from '../../sqs/deliver.js';
import { sequenceNumber } from '../../sqs/fifo.js';
import type { RequestContext } from '../../sqs/types.js';
import { holdsLive } from '../archive/replay.js';
import { deliverTo } from '../delivery/deliver.js';
import { report } from '../delivery/report.js';
import type { Notification } from '../envelope.js';
import type { SnsState } from '../state.js';
import type { Topic } from '../types.js';
import { checkPublishAttributes, type Input, list, MAX_MESSAGE_BYTES, optional } from '../validation.js';

/** A validated publish, ready to fan out. */
interface Prepared {
  n: Notification & { perProtocol?: Record<string, string> };
  size: number;
}

const SUBJECT = /^[\x20-\x7E]{1,100}$/;
const FIFO_ID = /^[\x21-\x7E]{1,128}$/;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Validates one message (Publish, or an entry of PublishBatch) for `topic`. */
function prepare(topic: Topic, input: Input, now: number): Prepared {
  const message = input.Message;
  if (typeof message !== 'string' || message === '') throw snsErrors.invalidParameter('Empty message');
  const subject = optional(input, 'Subject');
  if (subject !== undefined && !SUBJECT.test(subject)) throw snsErrors.invalidParameter('Subject');
  const { attributes, size: attributesSize } = checkPublishAttributes(input.MessageAttributes);
  const size = Buffer.byteLength(message, 'utf8') + attributesSize;
  if (size > MAX_MESSAGE_BYTES) throw snsErrors.invalidParameter('Message too long');
  let perProtocol: Record<string, string> | undefined;
  let text = message;
  const structure = optional(input, 'MessageStructure');
  if (structure !== undefined) {
    if (structure !== 'json') throw snsErrors.invalidParameter('MessageStructure');
    perProtocol = parseStructure(message);
    text = perProtocol.default as string;
  }
  const groupId = optional(input, 'MessageGroupId');
  let dedupId = optional(input, 'MessageDeduplicationId');
  for (const [name, value] of [
    ['MessageGroupId', groupId],
    ['MessageDeduplicationId', dedupId],
  ] as const)
    if (value !== undefined && !FIFO_ID.test(value))
      throw snsErrors.invalidParameter(
        `${name} Reason: ${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
  if (topic.fifo) {
    if (groupId === undefined)
      throw snsErrors.invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    if (dedupId === undefined) {
      if (topic.attributes.ContentBasedDeduplication !== 'true')
        throw snsErrors.invalidParameter(
          'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      dedupId = createHash('sha256').update(message, 'utf8').digest('hex');
    }
  } else if (dedupId !== undefined) {
    throw snsErrors.invalidParameter(
      'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    );
  }
  return {
    size,
    n: {
      messageId: randomUUID(),
      topicArn: topic.arn,
      subject,
      message: text,
      perProtocol,
      timestamp: now,
      attributes,
      groupId,
      dedupId,
    },
  };
}

/** MessageStructure=json: a JSON object of strings with a `default` entry. */
function parseStructure(message: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw snsErrors.invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw snsErrors.invalidParameter('Message Structure - JSON message body failed to parse');
  const entries = parsed as Record<string, unknown>;
  if (typeof entries.default !== 'string')
    throw snsErrors.invalidParameter('Message Structure - No default entry in JSON message body');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (typeof v === 'string') setOwn(out, k, v);
  return out;
}

/**
 * Fans a notification out to every confirmed subscription whose filter policy matches (inside the
 * publish's write): SQS targets are stored in their queues in this transaction; HTTP/S deliveries are
 * stored for the delivery worker. A FIFO topic with an ArchivePolicy archives it too; a subscription
 * whose ReplayPolicy has an EndingPoint receives no new publishes (as on SNS).
 */
function fanOut(
  sns: SnsState,
  ctx: RequestContext,
  topic: Topic,
  p: Prepared,
  now: number,
  deliveries: Deliveries,
): void {
  const n = p.n;
  if (topic.fifo) {
    const seq = sns.tables.nextSequence(topic.arn);
    n.sequenceNumber = sequenceNumber(seq);
    sns.archive.record(topic, seq, n);
  }
  const matched = sns.matching(topic.arn, n.attributes, n.message);
  for (const skipped of sns.filteredOut(topic.arn, matched)) report(sns, skipped.protocol, 'filtered_out');
  for (const subscription of matched)
    if (!holdsLive(subscription)) deliverTo(sns, ctx, topic, subscription, n, now, deliveries);
}

function publishTopic(sns: SnsState, input: Input): Topic {
  const topicArn = optional(input, 'TopicArn');
  const targetArn = optional(input, 'TargetArn');
  if (topicArn && targetArn)
    throw snsErrors.invalidParameter('TopicArn Reason: Only one of TopicArn or TargetArn may be specified');
  const arn = topicArn || targetArn;
  if (!arn) throw snsErrors.invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  return sns.topic(arn, topicArn ? 'TopicArn' : 'TargetArn');
}

/** Publish: answered once the message is stored in every matching SQS subscription's queue. */
export async function publish(sns: SnsState, ctx: RequestContext, input: Input) {
  const topic = publishTopic(sns, input);
  const now = sns.clock.now();
  const p = prepare(topic, input, now);
  await sns.sqs.store.write(() => {
    const deliveries = new Deliveries(sns.sqs, ctx, now);
    fanOut(sns, ctx, topic, p, now, deliveries);
    deliveries.flush();
  });
  return { MessageId: p.n.messageId, SequenceNumber: p.n.sequenceNumber };
}

/** PublishBatch: up to 10 messages, each succeeding or failing on its own, all fanned out in one write. */
export async function publishBatch(sns: SnsState, ctx: RequestContext, input: Input) {
  const topic = sns.topic(optional(input, 'TopicArn') ?? '');
  const entries = list<Input>(input, 'PublishBatchRequestEntries');
  if (entries.length === 0) throw snsErrors.emptyBatch();
  if (entries.length > 10) throw snsErrors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = entry?.Id;
    if (typeof id !== 'string' || !BATCH_ID.test(id)) throw snsErrors.invalidBatchEntryId();
    if (seen.has(id)) throw snsErrors.batchIdsNotDistinct(id);
    seen.add(id);
  }
  const now = sns.clock.now();
  const prepared: Array<Prepared & { id: string }> = [];
  const failed = [];
  let total = 0;
  for (const entry of entries) {
    const id = entry.Id as string;
    try {
      const p = prepare(topic, entry, now);
      total += p.size;
      prepared.push({ ...p, id });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      failed.push({
        Id: id,
        Code: error.code,
        SenderFault: error.fault === 'Sender',
        Message: error.message,
      });
    }
  }
  if (total > MAX_MESSAGE_BYTES) throw snsErrors.batchRequestTooLong(total, MAX_MESSAGE_BYTES);
  if (prepared.length > 0)
    await sns.sqs.store.write(() => {
      const deliveries = new Deliveries(sns.sqs, ctx, now);
      for (const p of prepared) fanOut(sns, ctx, topic, p, now, deliveries);
      deliveries.flush();
    });
  return {
    Successful: prepared.map((p) => ({
      Id: p.id,
      MessageId: p.n.messageId,
      SequenceNumber: p.n.sequenceNumber,
    })),
    Failed: failed,
  };
}
