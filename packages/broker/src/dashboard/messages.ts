import { type AnyMessageAttribute, decodeMessage } from 'sqs-mega/core';
import { retentionCutoff } from '../sqs/retention.js';
import type { SqsState } from '../sqs/state.js';
import type { RequestContext } from '../sqs/types.js';
import type { PeekedRow, PeekStore } from '../store/index.js';
import { type DecodedView, PEEK_BODY_CHARS, type PeekedMessage, type PeekResult } from './api.js';

/** Most messages one peek returns. */
export const MAX_PEEK = 50;

/**
 * The first `limit` messages of a queue, read straight from the store: their visibility, receive
 * counts and receipt handles stay as they are. Bodies are decoded as the framework's listener decodes
 * them (MEGA events, data, text, binary; SNS envelopes unwrapped).
 */
export function peekMessages(
  sqs: SqsState,
  peek: PeekStore,
  ctx: RequestContext,
  queueName: string,
  limit: number,
): PeekResult {
  const queue = sqs.resolve(ctx, queueName);
  const now = sqs.clock.now();
  const cutoff = retentionCutoff(queue, now);
  const counts = sqs.store.messages.counts(queue.id, now, cutoff);
  return {
    queue: queue.name,
    messages: peek.messages(queue.id, cutoff, limit).map((row) => peekedMessage(row, now)),
    total: counts.visible + counts.inFlight + counts.delayed,
  };
}

function peekedMessage(row: PeekedRow, now: number): PeekedMessage {
  const attributes = row.attributes
    ? (JSON.parse(row.attributes) as Record<string, AnyMessageAttribute & Record<string, string>>)
    : {};
  return {
    messageId: row.message_id,
    sentAt: row.sent_at,
    state: row.visible_at <= now ? 'visible' : row.receive_count > 0 ? 'inFlight' : 'delayed',
    visibleAt: row.visible_at,
    receiveCount: row.receive_count,
    groupId: row.group_id ?? undefined,
    deduplicationId: row.dedup_id ?? undefined,
    sequenceNumber: row.sequence_number ?? undefined,
    deadLetterSourceArn: row.dead_letter_source_arn ?? undefined,
    attributes: Object.fromEntries(
      Object.entries(attributes).map(([name, v]) => [
        name,
        `${v.DataType ?? ''}: ${v.StringValue ?? v.BinaryValue ?? ''}`,
      ]),
    ),
    body: row.body.slice(0, PEEK_BODY_CHARS),
    bodyTruncated: row.body.length > PEEK_BODY_CHARS,
    decoded: decodedView(row.body, attributes),
  };
}

/** What `decodeMessage` makes of a body, as plain JSON for the page. */
export function decodedView(body: string, attributes: Record<string, AnyMessageAttribute>): DecodedView {
  const decoded = decodeMessage(body, attributes);
  if (decoded.kind === 'sns-confirmation') {
    return { kind: decoded.kind, type: decoded.type, topicArn: decoded.topicArn, message: decoded.message };
  }
  const sns = decoded.sns && {
    topicArn: decoded.sns.topicArn,
    messageId: decoded.sns.messageId,
    subject: decoded.sns.subject,
    timestamp: decoded.sns.timestamp,
    attributes: Object.fromEntries(
      Object.entries(decoded.sns.messageAttributes).map(([name, a]) => [name, `${a.Type}: ${a.Value}`]),
    ),
  };
  switch (decoded.kind) {
    case 'mega':
      return {
        kind: 'mega',
        encoding: decoded.encoding,
        name: decoded.event.event.name,
        event: decoded.event,
        sns,
      };
    case 'data':
      return { kind: 'data', encoding: decoded.encoding, data: decoded.data, sns };
    case 'text':
      return { kind: 'text', text: decoded.text.slice(0, PEEK_BODY_CHARS), sns };
    case 'binary':
      return {
        kind: 'binary',
        size: decoded.bytes.length,
        hex: Buffer.from(decoded.bytes.subarray(0, 256)).toString('hex'),
        sns,
      };
    default:
      return {
        kind: 'invalid',
        encoding: decoded.encoding,
        reason: decoded.reason,
        field: decoded.field,
        data: decoded.data,
        sns,
      };
  }
}
