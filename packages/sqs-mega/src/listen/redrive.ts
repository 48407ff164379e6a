import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A queue's RedrivePolicy, as the listener uses it. */
export interface RedriveFacts {
  /** Receives after which SQS moves a message to the dead-letter queue. */
  maxReceiveCount: number;
  /** ARN of the dead-letter queue. */
  deadLetterTargetArn: string;
  /** Its URL, when it could be resolved (GetQueueUrl); undefined otherwise. */
  deadLetterQueueUrl?: string;
}

/**
 * Reads the queue's RedrivePolicy (GetQueueAttributes) and resolves its target's URL (GetQueueUrl with
 * the name and account id of the ARN). Resolves undefined when the queue has none; rejects when the
 * attributes cannot be read.
 */
export async function readRedrivePolicy(
  client: SQSClient,
  queueUrl: string,
): Promise<RedriveFacts | undefined> {
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
  );
  const text = out.Attributes?.RedrivePolicy;
  if (!text) return undefined;
  const policy = JSON.parse(text) as { maxReceiveCount?: unknown; deadLetterTargetArn?: unknown };
  const maxReceiveCount = Number(policy.maxReceiveCount);
  const arn = typeof policy.deadLetterTargetArn === 'string' ? policy.deadLetterTargetArn : '';
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || arn === '') return undefined;
  // arn:aws:sqs:<region>:<account>:<name>
  const [, , , , account, name] = arn.split(':');
  let deadLetterQueueUrl: string | undefined;
  if (name) {
    const found = await client
      .send(
        new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }),
      )
      .catch(() => undefined);
    deadLetterQueueUrl = found?.QueueUrl;
  }
  return { maxReceiveCount, deadLetterTargetArn: arn, ...(deadLetterQueueUrl ? { deadLetterQueueUrl } : {}) };
}
