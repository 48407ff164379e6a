import {
  type MessageAttributeValue,
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
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

/** Options of {@link SnsPublisher}. */
export interface SnsPublisherOptions extends PublisherOptions {
  /** The official SNS client. */
  client: SNSClient;
  topicArn: string;
  /** FIFO topic (default: the ARN ends with `.fifo`). */
  fifo?: boolean;
}

/**
 * Publishes to one SNS topic (PublishBatch when publishes come close together). Derived MEGA
 * attributes (`mega-event-name`, …) let subscriptions' filter policies route on the event.
 */
export class SnsPublisher extends Publisher {
  constructor(options: SnsPublisherOptions) {
    super(new SnsTransport(options), options);
  }
}

class SnsTransport implements PublishTransport {
  readonly fifo: boolean;
  readonly destination: string;
  readonly sns = true;
  readonly maxBytes = LIMITS.snsMaxBytes;
  private readonly client: SNSClient;
  private readonly topicArn: string;

  constructor(options: SnsPublisherOptions) {
    this.client = options.client;
    this.topicArn = options.topicArn;
    this.destination = options.topicArn;
    this.fifo = options.fifo ?? options.topicArn.endsWith('.fifo');
  }

  async sendOne(message: OutgoingMessage): Promise<PublishResult> {
    const out = await this.client.send(new PublishCommand({ TopicArn: this.topicArn, ...entry(message) }));
    return toPublishResult(out);
  }

  async sendBatch(messages: OutgoingMessage[]) {
    const out = await this.client.send(
      new PublishBatchCommand({
        TopicArn: this.topicArn,
        PublishBatchRequestEntries: messages.map((m, i) => ({ Id: String(i), ...entry(m) })),
      }),
    );
    return publishResults(messages.length, out);
  }
}

function entry(m: OutgoingMessage): Omit<PublishBatchRequestEntry, 'Id'> {
  return {
    Message: m.body,
    MessageAttributes: m.attributes as Record<string, MessageAttributeValue>,
    ...(m.subject === undefined ? {} : { Subject: m.subject }),
    ...(m.groupId === undefined ? {} : { MessageGroupId: m.groupId }),
    ...(m.deduplicationId === undefined ? {} : { MessageDeduplicationId: m.deduplicationId }),
  };
}
