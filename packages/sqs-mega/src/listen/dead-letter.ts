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

/** Longest reason written into the attribute, in characters (the rest is cut, marked with `…`). */
const MAX_REASON_CHARS = 1024;

/**
 * Sends a copy of `message` to the dead-letter queue: same body, same message attributes, plus the
 * reason in `mega-dead-letter-reason` — when it fits: the reason never takes more than one added
 * attribute and is left out (rather than failing the move) when the message already has 10 or the
 * size limit would be crossed. FIFO dead-letter queues get the original group id and the message
 * id as deduplication id. Resolves with whether the reason was attached.
 */
export async function sendToDeadLetterQueue(
  client: SQSClient,
  deadLetterQueueUrl: string,
  message: Message,
  reason: string,
  clock: Clock,
): Promise<{ reasonAttached: boolean }> {
  const body = message.Body ?? '';
  const attributes: Record<string, MessageAttributeValue> = { ...message.MessageAttributes };
  const text = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
  const withReason = {
    ...attributes,
    [DEAD_LETTER_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: text },
  };
  const fits =
    Object.keys(withReason).length <= LIMITS.maxAttributes &&
    messageBytes(body, withReason as Record<string, { DataType: string }>) <= LIMITS.sqsMaxBytes;
  const fifo = deadLetterQueueUrl.endsWith('.fifo');
  const groupId = message.Attributes?.MessageGroupId;
  await retrying(
    () =>
      client.send(
        new SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: body,
          MessageAttributes: fits ? withReason : attributes,
          ...(fifo
            ? { MessageGroupId: groupId ?? 'dead-letter', MessageDeduplicationId: message.MessageId }
            : {}),
        }),
      ),
    { clock, attempts: 8, backoff: { initialMs: 50, maxMs: 2000 } },
  );
  return { reasonAttached: fits };
}
