import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { arnName } from './compare.js';

/** Reading the current state of queues, topics and subscriptions through the AWS SDK. */

/** What is known of a queue: its URL, ARN and attributes, once it exists. */
export interface QueueState {
  url?: string;
  arn?: string;
  attributes?: Record<string, string>;
}

function isMissingQueue(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string })?.name;
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}

/** The queue named `name`, or undefined when there is none. */
export async function readQueue(sqs: SQSClient, name: string): Promise<QueueState | undefined> {
  let url: string | undefined;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (isMissingQueue(error)) return undefined;
    throw error;
  }
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return { url, arn: Attributes.QueueArn, attributes: Attributes };
}

/** Every topic's ARN, by name. */
export async function listTopics(sns: SNSClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken }));
    for (const topic of page.Topics ?? [])
      if (topic.TopicArn) out.set(arnName(topic.TopicArn), topic.TopicArn);
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

export async function topicAttributes(sns: SNSClient, arn: string): Promise<Record<string, string>> {
  return (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
}

/** The SQS subscription of the topic `topicArn` delivering to `queueArn`, if there is one. */
export async function findSubscription(
  sns: SNSClient,
  topicArn: string,
  queueArn: string,
): Promise<{ arn: string; attributes: Record<string, string> } | undefined> {
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    for (const s of page.Subscriptions ?? []) {
      if (s.Protocol !== 'sqs' || s.Endpoint !== queueArn || !s.SubscriptionArn) continue;
      if (s.SubscriptionArn === 'PendingConfirmation') return { arn: s.SubscriptionArn, attributes: {} };
      const { Attributes = {} } = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }),
      );
      return { arn: s.SubscriptionArn, attributes: Attributes };
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}
