import {
  type Message,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Clock } from '../clock.js';
import { LIMITS, messageBytes } from '../publish/limits.js';
import { retrying } from './backoff.js';

/** Name of the attribute that carries the dead-letter reason. */
export const DEAD_LETTER_REASON_ATTRIBUTE = 'mega-dead-letter-reason';

/**
 * Name of the attribute that carries the URL of the queue a dead-lettered message came from: what
 * `mega redrive` and the broker's dashboard read to move the message back (the listener's copy is a new
 * message, so SQS's own `DeadLetterQueueSourceArn` does not apply to it).
 */
export const DEAD_LETTER_SOURCE_ATTRIBUTE = 'mega-dead-letter-source';

/** Longest reason written into the attribute, in characters (the rest is cut, marked with `…`). */
const MAX_REASON_CHARS = 1024;

/**
 * Sends a copy of `message` to the dead-letter queue: same body, same message attributes, plus the
 * URL of the queue it came from in `mega-dead-letter-source` (when `sourceQueueUrl` is given) and the
 * reason in `mega-dead-letter-reason` — when they fit: each is left out (rather than failing the move)
 * when the message already has 10 attributes or the size limit would be crossed, the reason first.
 * Earlier values of both (a message dead-lettered before, redriven, and failing again) are replaced.
 * FIFO dead-letter queues get the original group id and the message id as deduplication id. Resolves
 * with whether the reason and the source were attached.
 */
export async function sendToDeadLetterQueue(
  client: SQSClient,
  deadLetterQueueUrl: string,
  message: Message,
  reason: string,
  clock: Clock,
  sourceQueueUrl?: string,
): Promise<{ reasonAttached: boolean; sourceAttached: boolean }> {
  const body = message.Body ?? '';
  const attributes: Record<string, MessageAttributeValue> = { ...message.MessageAttributes };
  delete attributes[DEAD_LETTER_REASON_ATTRIBUTE];
  delete attributes[DEAD_LETTER_SOURCE_ATTRIBUTE];
  const text = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
  const fitting = (candidate: Record<string, MessageAttributeValue>) =>
    Object.keys(candidate).length <= LIMITS.maxAttributes &&
    messageBytes(body, candidate as Record<string, { DataType: string }>) <= LIMITS.sqsMaxBytes;
  const withSource =
    sourceQueueUrl === undefined
      ? attributes
      : {
          ...attributes,
          [DEAD_LETTER_SOURCE_ATTRIBUTE]: { DataType: 'String', StringValue: sourceQueueUrl },
        };
  const sourceAttached = sourceQueueUrl !== undefined && fitting(withSource);
  const base = sourceAttached ? withSource : attributes;
  const withReason = {
    ...base,
    [DEAD_LETTER_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: text },
  };
  const fits = fitting(withReason);
  const fifo = deadLetterQueueUrl.endsWith('.fifo');
  const groupId = message.Attributes?.MessageGroupId;
  await retrying(
    () =>
      client.send(
        new SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: body,
          MessageAttributes: fits ? withReason : base,
          ...(fifo
            ? { MessageGroupId: groupId ?? 'dead-letter', MessageDeduplicationId: message.MessageId }
            : {}),
        }),
      ),
    { clock, attempts: 8, backoff: { initialMs: 50, maxMs: 2000 } },
  );
  return { reasonAttached: fits, sourceAttached };
}
