import type {
  AddPermissionCommandOutput,
  CancelMessageMoveTaskCommandOutput,
  ChangeMessageVisibilityBatchCommandOutput,
  ChangeMessageVisibilityCommandOutput,
  CreateQueueCommandOutput,
  DeleteMessageBatchCommandOutput,
  DeleteMessageCommandOutput,
  DeleteQueueCommandOutput,
  GetQueueAttributesCommandOutput,
  GetQueueUrlCommandOutput,
  ListDeadLetterSourceQueuesCommandOutput,
  ListMessageMoveTasksCommandOutput,
  ListQueuesCommandOutput,
  ListQueueTagsCommandOutput,
  PurgeQueueCommandOutput,
  ReceiveMessageCommandOutput,
  RemovePermissionCommandOutput,
  SendMessageBatchCommandOutput,
  SendMessageCommandOutput,
  SetQueueAttributesCommandOutput,
  StartMessageMoveTaskCommandOutput,
  TagQueueCommandOutput,
  UntagQueueCommandOutput,
} from '@aws-sdk/client-sqs';

/**
 * Every SQS action the broker implements, by its API name, with the SDK output it must return (see
 * `action-outputs.ts`: without `$metadata`, blobs as base64). `sqsActions` implements exactly these;
 * the Query schema (`wire/query/schema-sqs.ts`) describes exactly these too.
 */
export interface SqsOutputs {
  CreateQueue: CreateQueueCommandOutput;
  GetQueueUrl: GetQueueUrlCommandOutput;
  ListQueues: ListQueuesCommandOutput;
  GetQueueAttributes: GetQueueAttributesCommandOutput;
  SetQueueAttributes: SetQueueAttributesCommandOutput;
  DeleteQueue: DeleteQueueCommandOutput;
  PurgeQueue: PurgeQueueCommandOutput;
  SendMessage: SendMessageCommandOutput;
  SendMessageBatch: SendMessageBatchCommandOutput;
  ReceiveMessage: ReceiveMessageCommandOutput;
  DeleteMessage: DeleteMessageCommandOutput;
  DeleteMessageBatch: DeleteMessageBatchCommandOutput;
  ChangeMessageVisibility: ChangeMessageVisibilityCommandOutput;
  ChangeMessageVisibilityBatch: ChangeMessageVisibilityBatchCommandOutput;
  TagQueue: TagQueueCommandOutput;
  UntagQueue: UntagQueueCommandOutput;
  ListQueueTags: ListQueueTagsCommandOutput;
  ListDeadLetterSourceQueues: ListDeadLetterSourceQueuesCommandOutput;
  AddPermission: AddPermissionCommandOutput;
  RemovePermission: RemovePermissionCommandOutput;
  StartMessageMoveTask: StartMessageMoveTaskCommandOutput;
  ListMessageMoveTasks: ListMessageMoveTasksCommandOutput;
  CancelMessageMoveTask: CancelMessageMoveTaskCommandOutput;
}
