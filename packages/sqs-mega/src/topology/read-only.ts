/**
 * The queue attributes SQS computes itself: `GetQueueAttributes` returns them, `CreateQueue` and
 * `SetQueueAttributes` refuse them. Shared by the topology validator and the broker.
 */
export const READ_ONLY_QUEUE_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;
