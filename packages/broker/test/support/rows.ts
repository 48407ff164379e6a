// Store rows for the store-level tests (contract, heap engine, logged engine): a message and a queue
// with every field at a plain default.
import type { NewMessage } from '../../src/store/index.js';

/** A new standard message of queue `queueId`, sent and visible at `at` (ms); `extra` overrides any field. */
export function newMessage(
  queueId: number,
  body: string,
  at: number,
  extra: Partial<NewMessage> = {},
): NewMessage {
  return {
    queue_id: queueId,
    message_id: `id-${body}`,
    body,
    attributes: null,
    md5_body: 'md5',
    md5_attributes: null,
    sent_at: at,
    visible_at: at,
    sender_id: 'AIDA',
    trace_header: null,
    group_id: null,
    dedup_id: null,
    sequence_number: null,
    dead_letter_source_arn: null,
    ...extra,
  };
}

/** A new queue's row (`fifo`: a FIFO queue). */
export function queueRow(name: string, fifo = false) {
  return {
    region: 'us-east-1',
    name,
    fifo: fifo ? 1 : 0,
    attributes: '{}',
    tags: '{}',
    created_at: 1,
    modified_at: 1,
  };
}

/** A new SNS topic's row. */
export function topicRow(arn: string, name = 't') {
  return { arn, region: 'us-east-1', name, attributes: '{}', tags: '{}', last_sequence: 0, created_at: 1 };
}
