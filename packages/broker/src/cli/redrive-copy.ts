import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DEAD_LETTER_REASON_ATTRIBUTE, DEAD_LETTER_SOURCE_ATTRIBUTE } from 'sqs-mega';

/**
 * Redrive of a queue an sqs-mega listener dead-letters into itself (no RedrivePolicy names it, so
 * SQS's StartMessageMoveTask refuses it: "Source queue must be configured as a Dead Letter Queue"):
 * the messages are received, sent to the queue their `mega-dead-letter-source` attribute names (or
 * to `destination`), and deleted — with plain SQS calls, so it works the same on Amazon SQS.
 */

/** How a client-side redrive went, in the terms of a move task. */
export interface CopyResult {
  status: 'COMPLETED' | 'FAILED';
  moved: number;
  toMove: number;
  failureReason?: string;
}

export interface CopyOptions {
  /** Queue URL every message goes to; default each message's `mega-dead-letter-source`. */
  destination?: string;
  /** At most this many messages a second. Default: as fast as the calls go. */
  rate?: number;
  /** Called after each batch with the progress so far. */
  progress?: (moved: number, toMove: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Moves the messages `dlqUrl` holds now; resolves with how many moved. */
export async function redriveByCopy(
  sqs: SQSClient,
  dlqUrl: string,
  options: CopyOptions,
): Promise<CopyResult> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const toMove = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const fifo = (url: string) => url.endsWith('.fifo');
  const seen = new Set<string>();
  const unmovable: string[] = [];
  let moved = 0;
  let failureReason: string | undefined;
  const started = Date.now();
  while (moved + unmovable.length < toMove) {
    const max = Math.min(10, toMove - moved - unmovable.length);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const fresh = Messages.filter((m) => !seen.has(m.MessageId ?? ''));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId ?? '');
      const target = options.destination ?? sourceOf(message);
      if (target === undefined) {
        unmovable.push(message.ReceiptHandle ?? '');
        failureReason ??= `message ${message.MessageId} has no ${DEAD_LETTER_SOURCE_ATTRIBUTE} attribute (it was not dead-lettered by an sqs-mega listener): give --to <queue>`;
        continue;
      }
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: target,
          MessageBody: message.Body ?? '',
          MessageAttributes: withoutDeadLetterAttributes(message.MessageAttributes),
          ...(fifo(target)
            ? {
                MessageGroupId: message.Attributes?.MessageGroupId ?? 'redrive',
                MessageDeduplicationId: message.MessageId,
              }
            : {}),
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle }));
      moved++;
      if (options.rate !== undefined) {
        const due = started + (moved / options.rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
    options.progress?.(moved, toMove);
  }
  await release(sqs, dlqUrl, unmovable);
  return failureReason === undefined
    ? { status: 'COMPLETED', moved, toMove }
    : { status: 'FAILED', moved, toMove, failureReason };
}

function sourceOf(message: Message): string | undefined {
  const value = message.MessageAttributes?.[DEAD_LETTER_SOURCE_ATTRIBUTE]?.StringValue;
  return value === undefined || value === '' ? undefined : value;
}

/** The message's attributes without the two the listener added when it dead-lettered it. */
function withoutDeadLetterAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): Record<string, MessageAttributeValue> | undefined {
  if (!attributes) return undefined;
  const rest = { ...attributes };
  delete rest[DEAD_LETTER_SOURCE_ATTRIBUTE];
  delete rest[DEAD_LETTER_REASON_ATTRIBUTE];
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** Makes the messages that could not be moved visible again. */
async function release(sqs: SQSClient, QueueUrl: string, handles: string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += 10) {
    const Entries = handles
      .slice(i, i + 10)
      .map((ReceiptHandle, j) => ({ Id: `m${j}`, ReceiptHandle, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries }));
  }
}
