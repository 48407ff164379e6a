import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { LIMITS } from './limits.js';
import type { OutgoingMessage } from './message.js';
import {
  Publisher,
  type PublisherOptions,
  type PublishResult,
  type PublishTransport,
  publishResults,
  toPublishResult,
} from './publisher.js';

/** Options of {@link SqsPublisher}. */
export interface SqsPublisherOptions extends PublisherOptions {
  /** The official SQS client (point it at the broker or at AWS). */
  client: SQSClient;
  queueUrl: string;
  /** FIFO queue (default: the URL ends with `.fifo`). */
  fifo?: boolean;
}

/**
 * Publishes to one SQS queue, batching automatically.
 *
 * ```ts
 * const publisher = new SqsPublisher({ client: new SQSClient({}), queueUrl });
 * await publisher.publishEvent({ name: 'order.placed', subject: 'o-1' });
 * ```
 */
export class SqsPublisher extends Publisher {
  constructor(options: SqsPublisherOptions) {
    super(new SqsTransport(options), options);
  }
}

class SqsTransport implements PublishTransport {
  readonly fifo: boolean;
  readonly destination: string;
  readonly sns = false;
  readonly maxBytes = LIMITS.sqsMaxBytes;
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(options: SqsPublisherOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.destination = options.queueUrl;
    this.fifo = options.fifo ?? options.queueUrl.endsWith('.fifo');
  }

  async sendOne(message: OutgoingMessage): Promise<PublishResult> {
    const out = await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, ...entry(message) }),
    );
    return toPublishResult(out);
  }

  async sendBatch(messages: OutgoingMessage[]) {
    const out = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ...entry(m) })),
      }),
    );
    return publishResults(messages.length, out);
  }
}

function entry(m: OutgoingMessage): Omit<SendMessageBatchRequestEntry, 'Id'> {
  return {
    MessageBody: m.body,
    MessageAttributes: m.attributes as Record<string, MessageAttributeValue>,
    ...(m.systemAttributes === undefined ? {} : { MessageSystemAttributes: m.systemAttributes }),
    ...(m.groupId === undefined ? {} : { MessageGroupId: m.groupId }),
    ...(m.deduplicationId === undefined ? {} : { MessageDeduplicationId: m.deduplicationId }),
    ...(m.delaySeconds === undefined ? {} : { DelaySeconds: m.delaySeconds }),
  };
}
