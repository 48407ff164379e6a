// Idempotent set-up of the few resources each example needs, through the AWS SDK.
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueRef {
  url: string;
  arn: string;
}

/** Creates a queue (FIFO when the name ends with `.fifo`), or finds it when it exists. */
export async function queue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<QueueRef> {
  const fifo = name.endsWith('.fifo') ? { FifoQueue: 'true' } : {};
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { ...fifo, ...attributes } }),
  );
  const url = QueueUrl as string;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: Attributes?.QueueArn as string };
}

/** A queue with its dead-letter queue: after `maxReceiveCount` receives SQS moves a message there. */
export async function queueWithDlq(
  sqs: SQSClient,
  name: string,
  maxReceiveCount: number,
  attributes: Record<string, string> = {},
) {
  const fifo = name.endsWith('.fifo');
  const dlq = await queue(sqs, fifo ? name.replace(/\.fifo$/, '-dlq.fifo') : `${name}-dlq`);
  const main = await queue(sqs, name, {
    ...attributes,
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
  });
  return { main, dlq };
}

/** Creates a topic (or finds it) and subscribes a queue to it with a filter policy. */
export async function topicTo(
  sns: SNSClient,
  topicName: string,
  subscriptions: Array<{ queue: QueueRef; filterPolicy?: object; raw?: boolean }>,
): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName }));
  for (const s of subscriptions) {
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: s.queue.arn,
        Attributes: {
          ...(s.filterPolicy ? { FilterPolicy: JSON.stringify(s.filterPolicy) } : {}),
          ...(s.raw ? { RawMessageDelivery: 'true' } : {}),
        },
      }),
    );
  }
  return TopicArn as string;
}
