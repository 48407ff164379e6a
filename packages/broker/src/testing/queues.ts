import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** A queue to create: a name, or a name with attributes and an optional dead-letter queue. */
export type QueueSpec =
  | string
  | {
      /** Queue name; FIFO queues end with `.fifo` (added when `fifo` is true and missing). */
      name: string;
      fifo?: boolean;
      /** Extra queue attributes, e.g. `{ VisibilityTimeout: '5' }`. */
      attributes?: Record<string, string>;
      /**
       * Creates `<name>-dlq` (or `name`) and wires it with a RedrivePolicy
       * (`maxReceiveCount`, default 3).
       */
      deadLetter?: { name?: string; maxReceiveCount?: number } | true;
    };

/** A created queue. */
export interface CreatedQueue {
  name: string;
  url: string;
  arn: string;
  /** The dead-letter queue wired to it, when one was asked for. */
  deadLetter?: CreatedQueue;
}

/**
 * Creates queues (and their dead-letter queues) in one call; returns them by name.
 *
 * ```ts
 * const { orders } = await createQueues(sqs, [{ name: 'orders', deadLetter: { maxReceiveCount: 2 } }]);
 * orders.url; orders.deadLetter?.url;
 * ```
 */
export async function createQueues(
  client: SQSClient,
  specs: QueueSpec[],
): Promise<Record<string, CreatedQueue>> {
  const out: Record<string, CreatedQueue> = {};
  for (const spec of specs) {
    const queue = await createQueue(client, spec);
    out[queue.name] = queue;
  }
  return out;
}

/** Creates one queue (see {@link QueueSpec}). */
export async function createQueue(client: SQSClient, spec: QueueSpec): Promise<CreatedQueue> {
  const s = typeof spec === 'string' ? { name: spec } : spec;
  const fifo = s.fifo ?? s.name.endsWith('.fifo');
  const name = fifo && !s.name.endsWith('.fifo') ? `${s.name}.fifo` : s.name;
  const attributes: Record<string, string> = { ...(fifo ? { FifoQueue: 'true' } : {}), ...s.attributes };
  let deadLetter: CreatedQueue | undefined;
  if (s.deadLetter) {
    const d = s.deadLetter === true ? {} : s.deadLetter;
    const base = fifo ? name.slice(0, -'.fifo'.length) : name;
    deadLetter = await createQueue(client, { name: d.name ?? `${base}-dlq${fifo ? '.fifo' : ''}`, fifo });
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: deadLetter.arn,
      maxReceiveCount: d.maxReceiveCount ?? 3,
    });
  }
  const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl ?? '';
  const got = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const queue: CreatedQueue = { name, url, arn: got.Attributes?.QueueArn ?? '' };
  if (deadLetter) queue.deadLetter = deadLetter;
  return queue;
}

/** Message counts of a queue (from GetQueueAttributes). */
export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** Visible, in-flight and delayed message counts. */
export async function queueCounts(client: SQSClient, url: string): Promise<QueueCounts> {
  const out = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = out.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/**
 * Receives every message visible now (short polls until one comes back empty), with all attributes,
 * leaving them in flight for `visibilityTimeout` seconds (default 30). For asserting on dead-letter
 * queues and leftovers. Each message is returned once: with `visibilityTimeout` 0 the messages come
 * straight back, and the first one seen again ends the receiving.
 */
export async function receiveAll(client: SQSClient, url: string, visibilityTimeout = 30): Promise<Message[]> {
  const all: Message[] = [];
  const seen = new Set<string>();
  for (;;) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: visibilityTimeout,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!out.Messages?.length) return all;
    for (const message of out.Messages) {
      // with a visibility timeout of 0 a message is visible again at once: seen twice means all seen
      if (seen.has(message.MessageId ?? '')) return all;
      seen.add(message.MessageId ?? '');
      all.push(message);
    }
  }
}
