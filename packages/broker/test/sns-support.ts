// SNS over @aws-sdk/client-sns (Query protocol), next to the JSON SQS client, against one broker.
import * as sns from '@aws-sdk/client-sns';
import * as sqs from '@aws-sdk/client-sqs';
import { startTestBroker, type TestBrokerOptions } from 'sqs-mega-broker/testing';

// biome-ignore lint/suspicious/noExplicitAny: test convenience: outputs are asserted field by field
type Any = any;

export async function snsSetup(options: TestBrokerOptions = {}) {
  const broker = await startTestBroker(options);
  const snsClient = new sns.SNSClient({ ...broker.clientConfig, maxAttempts: 1 });
  const sqsClient = new sqs.SQSClient({ ...broker.clientConfig, maxAttempts: 1 });
  const call =
    (client: Any, sdk: Any) =>
    (action: string, input: Record<string, unknown> = {}) =>
      client.send(new sdk[`${action}Command`](input)) as Promise<Any>;
  const snsCall = call(snsClient, sns);
  const sqsCall = call(sqsClient, sqs);
  let n = 0;
  const name = (prefix: string) => `${prefix}-${process.pid}-${++n}`;
  return {
    broker,
    sns: snsCall,
    sqs: sqsCall,
    /** The error an SNS action fails with (fails the test if it succeeds). */
    async snsError(action: string, input: Record<string, unknown> = {}): Promise<Any> {
      try {
        await snsCall(action, input);
      } catch (error) {
        return error;
      }
      throw new Error(`${action} succeeded, an error was expected`);
    },
    name,
    async topic(attributes?: Record<string, string>, fifo = false) {
      return (
        await snsCall('CreateTopic', { Name: name('t') + (fifo ? '.fifo' : ''), Attributes: attributes })
      ).TopicArn as string;
    },
    /** A queue subscribed to the topic; returns its URL and the subscription ARN. */
    async subscribedQueue(TopicArn: string, Attributes?: Record<string, string>) {
      const fifo = TopicArn.endsWith('.fifo');
      const QueueUrl = (
        await sqsCall('CreateQueue', {
          QueueName: name('q') + (fifo ? '.fifo' : ''),
          Attributes: fifo ? { FifoQueue: 'true' } : undefined,
        })
      ).QueueUrl as string;
      const arn = (await sqsCall('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] })).Attributes
        .QueueArn;
      const { SubscriptionArn } = await snsCall('Subscribe', {
        TopicArn,
        Protocol: 'sqs',
        Endpoint: arn,
        Attributes,
      });
      return { QueueUrl, SubscriptionArn: SubscriptionArn as string, arn: arn as string };
    },
    async receive(QueueUrl: string): Promise<Any[]> {
      return (
        (
          await sqsCall('ReceiveMessage', {
            QueueUrl,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
          })
        ).Messages ?? []
      );
    },
    async teardown() {
      snsClient.destroy();
      sqsClient.destroy();
      await broker.stop();
    },
  };
}
