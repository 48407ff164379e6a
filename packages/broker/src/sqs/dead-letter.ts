import { sqsErrors } from '../errors.js';
import type { MessageRow } from '../store/index.js';
import { fairDeleted, fairSent } from './fair.js';
import { refreshGroup, sequenceNumber } from './fifo.js';
import type { Queue, QueuePort } from './types.js';

/**
 * Dead-letter queues: validating `RedrivePolicy` and `RedriveAllowPolicy`, and moving a message that
 * was received too often to its queue's dead-letter queue.
 */

/** What moving a message between queues uses: the store, the sweeper and the long polls. */
export type TransferPort = Pick<QueuePort, 'store' | 'sweeper' | 'polls'>;

const MAX_SOURCE_ARNS = 10;

function invalid(name: string, value: string, reason: string) {
  return sqsErrors.invalidParameterValue(
    `Value ${value.slice(0, 512)} for parameter ${name} is invalid. Reason: ${reason}`,
  );
}

/**
 * Validates and normalizes the redrive attributes among `attributes`, set on the queue `sourceArn`
 * (FIFO or not): the dead-letter target exists, is of the same type, allows this source, and
 * maxReceiveCount is 1–1000.
 */
export function checkRedriveAttributes(
  state: Pick<QueuePort, 'byArn'>,
  sourceArn: string,
  fifo: boolean,
  attributes: Record<string, string>,
): void {
  const redrive = attributes.RedrivePolicy;
  if (redrive) attributes.RedrivePolicy = checkRedrivePolicy(state, sourceArn, fifo, redrive);
  const allow = attributes.RedriveAllowPolicy;
  if (allow) attributes.RedriveAllowPolicy = checkRedriveAllowPolicy(allow);
}

function checkRedrivePolicy(
  state: Pick<QueuePort, 'byArn'>,
  sourceArn: string,
  fifo: boolean,
  value: string,
): string {
  const policy = JSON.parse(value) as Record<string, unknown>;
  const arn = policy.deadLetterTargetArn;
  const max = Number(policy.maxReceiveCount);
  if (typeof arn !== 'string') throw invalid('RedrivePolicy', value, 'Dead letter target arn is missing.');
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw invalid(
      'RedrivePolicy',
      value,
      `Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  const target = state.byArn(arn);
  if (!target) throw invalid('RedrivePolicy', value, 'Dead letter target does not exist.');
  if (target.fifo !== fifo) {
    throw invalid('RedrivePolicy', value, 'Dead-letter queue must be same type of queue as the source..');
  }
  if (!allowsSource(target, sourceArn)) {
    throw invalid(
      'RedrivePolicy',
      value,
      `Queue ${target.arn} does not allow ${sourceArn} to use it as a dead-letter queue (RedriveAllowPolicy).`,
    );
  }
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: max });
}

function checkRedriveAllowPolicy(value: string): string {
  const policy = JSON.parse(value) as Record<string, unknown>;
  const permission = policy.redrivePermission;
  const sources = policy.sourceQueueArns;
  const fail = (reason: string) =>
    sqsErrors.invalidAttributeValue(`Invalid value for the parameter RedriveAllowPolicy. Reason: ${reason}`);
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw fail('redrivePermission must be one of allowAll, denyAll, byQueue.');
  }
  if (permission === 'byQueue') {
    if (!Array.isArray(sources) || sources.length === 0 || sources.some((s) => typeof s !== 'string')) {
      throw fail('sourceQueueArns must be a non-empty list of queue ARNs when redrivePermission is byQueue.');
    }
    if (sources.length > MAX_SOURCE_ARNS) {
      throw fail(`sourceQueueArns can contain at most ${MAX_SOURCE_ARNS} ARNs; it has ${sources.length}.`);
    }
    return JSON.stringify({ redrivePermission: permission, sourceQueueArns: sources });
  }
  if (sources !== undefined) throw fail('sourceQueueArns is only allowed when redrivePermission is byQueue.');
  return JSON.stringify({ redrivePermission: permission });
}

/** Whether the queue's RedriveAllowPolicy lets `sourceArn` use it as its dead-letter queue. */
function allowsSource(target: Queue, sourceArn: string): boolean {
  const value = target.attributes.RedriveAllowPolicy;
  if (!value) return true;
  const policy = JSON.parse(value) as { redrivePermission: string; sourceQueueArns?: string[] };
  if (policy.redrivePermission === 'denyAll') return false;
  if (policy.redrivePermission === 'byQueue') return policy.sourceQueueArns?.includes(sourceArn) ?? false;
  return true;
}

/**
 * If `row` (about to be received from `source`) has been received maxReceiveCount times already, moves
 * it to the dead-letter queue (inside the caller's write) and returns true. The message keeps its id,
 * body, attributes and group; it gets `DeadLetterQueueSourceArn`, and on a FIFO queue a new sequence
 * number and a new enqueue time (a standard queue keeps the original one, as SQS does).
 */
export function deadLetterIfExhausted(
  state: TransferPort & Pick<QueuePort, 'byArn'>,
  source: Queue,
  row: MessageRow,
  now: number,
): boolean {
  const policy = source.settings.redrivePolicy;
  if (!policy || row.receive_count < policy.maxReceiveCount) return false;
  const target = state.byArn(policy.deadLetterTargetArn);
  if (!target) return false;
  transferMessage(state, row, source, target, source.arn, now);
  return true;
}

/**
 * Moves a stored message to `target` inside the caller's write: deleted from its queue and inserted
 * into `target` in the same transaction, so it is never in both or in neither. It keeps its id, body,
 * attributes, group and deduplication id, starts unreceived and visible, and carries
 * `deadLetterSourceArn` (null when it leaves a dead-letter queue). On a FIFO target it gets a new
 * sequence number and enqueue time, and joins the end of its group. A fair (standard, grouped)
 * message leaves its group's count in `source` and joins its group in `target`. The caller refreshes
 * the FIFO group the message left.
 */
export function transferMessage(
  state: TransferPort,
  row: MessageRow,
  source: Queue,
  target: Queue,
  deadLetterSourceArn: string | null,
  now: number,
): void {
  state.store.messages.delete(row.seq);
  state.store.messages.insert({
    queue_id: target.id,
    message_id: row.message_id,
    body: row.body,
    attributes: row.attributes,
    md5_body: row.md5_body,
    md5_attributes: row.md5_attributes,
    sent_at: target.fifo ? now : row.sent_at,
    visible_at: now,
    sender_id: row.sender_id,
    trace_header: row.trace_header,
    group_id: row.group_id,
    dedup_id: row.dedup_id,
    sequence_number: target.fifo ? sequenceNumber(state.store.queues.nextSequence(target.id)) : null,
    dead_letter_source_arn: deadLetterSourceArn,
  });
  state.sweeper.due((target.fifo ? now : row.sent_at) + target.settings.messageRetentionPeriod * 1000);
  if (target.fifo && row.group_id !== null) refreshGroup(state, target.id, row.group_id);
  fairDeleted(state, source, row);
  fairSent(state, target, row.group_id);
  state.store.afterCommit(() => state.polls.notify(target.id));
}
