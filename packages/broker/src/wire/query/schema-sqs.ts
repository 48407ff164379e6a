import type { ActionOutput } from '../../action-outputs.js';
import type { SqsOutputs } from '../../sqs/actions/outputs.js';
import {
  type ActionSchema,
  type ActionSchemasFor,
  type ListShape,
  list,
  type Members,
  map,
  type ServiceSchema,
  struct,
} from './schema.js';

/**
 * SQS, API version 2012-11-05, as the Query protocol carries it (names checked against
 * `@aws-sdk/client-sqs@3.445.0`'s `Aws_query.js`). Every SQS list and map is flattened. Exactly the
 * actions the broker implements, each output with every member of its SDK output (a compile error
 * otherwise: see {@link ActionSchemasFor}).
 */

const attributeMap = map('string', 'Name', 'Value', 'Attribute');
const tagMap = map('string', 'Key', 'Value', 'Tag');

const messageAttributeValue = struct({
  StringValue: 'string',
  BinaryValue: 'blob',
  StringListValues: list('string', 'StringListValue'),
  BinaryListValues: list('blob', 'BinaryListValue'),
  DataType: 'string',
});

const sendMembers: Members = {
  MessageBody: 'string',
  DelaySeconds: 'integer',
  MessageAttributes: map(messageAttributeValue, 'Name', 'Value', 'MessageAttribute'),
  MessageSystemAttributes: map(messageAttributeValue, 'Name', 'Value', 'MessageSystemAttribute'),
  MessageDeduplicationId: 'string',
  MessageGroupId: 'string',
};

const sendResultMembers = {
  MD5OfMessageBody: 'string',
  MD5OfMessageAttributes: 'string',
  MD5OfMessageSystemAttributes: 'string',
  MessageId: 'string',
  SequenceNumber: 'string',
} satisfies Members;

const batchResultError = list(
  struct({ Id: 'string', SenderFault: 'boolean', Code: 'string', Message: 'string' }),
  'BatchResultErrorEntry',
);

/** A batch action: `Entries` under `<Action>RequestEntry.N`, results under `<Action>ResultEntry`. */
const batch = (
  action: string,
  entry: Members,
  result: Members,
): { input: Members; output: { Successful: ListShape; Failed: ListShape } } => ({
  input: { QueueUrl: 'string', Entries: list(struct(entry), `${action}RequestEntry`) },
  output: { Successful: list(struct(result), `${action}ResultEntry`), Failed: batchResultError },
});

const queueOnly = { input: { QueueUrl: 'string' } } satisfies ActionSchema;

const message = struct({
  MessageId: 'string',
  ReceiptHandle: 'string',
  MD5OfBody: 'string',
  Body: 'string',
  Attributes: attributeMap,
  MD5OfMessageAttributes: 'string',
  MessageAttributes: map(messageAttributeValue, 'Name', 'Value', 'MessageAttribute'),
});

const moveTask = struct({
  TaskHandle: 'string',
  Status: 'string',
  SourceArn: 'string',
  DestinationArn: 'string',
  MaxNumberOfMessagesPerSecond: 'integer',
  ApproximateNumberOfMessagesMoved: 'integer',
  ApproximateNumberOfMessagesToMove: 'integer',
  FailureReason: 'string',
  StartedTimestamp: 'integer',
});

/** The SQS Query schema. */
export const sqsSchema: ServiceSchema = {
  xmlns: 'http://queue.amazonaws.com/doc/2012-11-05/',
  actions: {
    AddPermission: {
      input: {
        QueueUrl: 'string',
        Label: 'string',
        AWSAccountIds: list('string', 'AWSAccountId'),
        Actions: list('string', 'ActionName'),
      },
    },
    CancelMessageMoveTask: {
      input: { TaskHandle: 'string' },
      output: { ApproximateNumberOfMessagesMoved: 'integer' },
    },
    ChangeMessageVisibility: {
      input: { QueueUrl: 'string', ReceiptHandle: 'string', VisibilityTimeout: 'integer' },
    },
    ChangeMessageVisibilityBatch: batch(
      'ChangeMessageVisibilityBatch',
      { Id: 'string', ReceiptHandle: 'string', VisibilityTimeout: 'integer' },
      { Id: 'string' },
    ),
    CreateQueue: {
      input: { QueueName: 'string', Attributes: attributeMap, tags: tagMap },
      output: { QueueUrl: 'string' },
    },
    DeleteMessage: { input: { QueueUrl: 'string', ReceiptHandle: 'string' } },
    DeleteMessageBatch: batch(
      'DeleteMessageBatch',
      { Id: 'string', ReceiptHandle: 'string' },
      { Id: 'string' },
    ),
    DeleteQueue: queueOnly,
    GetQueueAttributes: {
      input: { QueueUrl: 'string', AttributeNames: list('string', 'AttributeName') },
      output: { Attributes: attributeMap },
    },
    GetQueueUrl: {
      input: { QueueName: 'string', QueueOwnerAWSAccountId: 'string' },
      output: { QueueUrl: 'string' },
    },
    ListDeadLetterSourceQueues: {
      input: { QueueUrl: 'string', NextToken: 'string', MaxResults: 'integer' },
      output: { queueUrls: list('string', 'QueueUrl'), NextToken: 'string' },
    },
    ListMessageMoveTasks: {
      input: { SourceArn: 'string', MaxResults: 'integer' },
      output: { Results: list(moveTask, 'ListMessageMoveTasksResultEntry') },
    },
    ListQueueTags: { input: { QueueUrl: 'string' }, output: { Tags: tagMap } },
    ListQueues: {
      input: { QueueNamePrefix: 'string', NextToken: 'string', MaxResults: 'integer' },
      output: { QueueUrls: list('string', 'QueueUrl'), NextToken: 'string' },
    },
    PurgeQueue: queueOnly,
    ReceiveMessage: {
      input: {
        QueueUrl: 'string',
        AttributeNames: list('string', 'AttributeName'),
        MessageSystemAttributeNames: list('string', 'MessageSystemAttributeName'),
        MessageAttributeNames: list('string', 'MessageAttributeName'),
        MaxNumberOfMessages: 'integer',
        VisibilityTimeout: 'integer',
        WaitTimeSeconds: 'integer',
        ReceiveRequestAttemptId: 'string',
      },
      output: { Messages: list(message, 'Message') },
    },
    RemovePermission: { input: { QueueUrl: 'string', Label: 'string' } },
    SendMessage: { input: { QueueUrl: 'string', ...sendMembers }, output: sendResultMembers },
    SendMessageBatch: batch(
      'SendMessageBatch',
      { Id: 'string', ...sendMembers },
      { Id: 'string', ...sendResultMembers },
    ),
    SetQueueAttributes: { input: { QueueUrl: 'string', Attributes: attributeMap } },
    StartMessageMoveTask: {
      input: { SourceArn: 'string', DestinationArn: 'string', MaxNumberOfMessagesPerSecond: 'integer' },
      output: { TaskHandle: 'string' },
    },
    TagQueue: { input: { QueueUrl: 'string', Tags: tagMap } },
    UntagQueue: { input: { QueueUrl: 'string', TagKeys: list('string', 'TagKey') } },
  } satisfies ActionSchemasFor<{ [A in keyof SqsOutputs]: ActionOutput<SqsOutputs[A]> }>,
};
