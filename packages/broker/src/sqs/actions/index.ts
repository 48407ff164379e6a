import type { Input } from '../params.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';
import { listDeadLetterSourceQueues } from './dead-letter.js';
import { deleteMessage, deleteMessageBatch } from './delete.js';
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from './move-tasks.js';
import { addPermission, removePermission } from './permissions.js';
import { getQueueAttributes, setQueueAttributes } from './queue-attributes.js';
import { createQueue, deleteQueue, getQueueUrl, listQueues, purgeQueue } from './queues.js';
import { receiveMessage } from './receive.js';
import { sendMessage, sendMessageBatch } from './send.js';
import { listQueueTags, tagQueue, untagQueue } from './tags.js';
import { changeMessageVisibility, changeMessageVisibilityBatch } from './visibility.js';

/** An SQS action: JSON-protocol-shaped input in, output out (or an AwsError thrown). */
export type SqsAction = (state: SqsState, ctx: RequestContext, input: Input) => object | Promise<object>;

/** Every SQS action the broker implements, by its API name. */
export const sqsActions: Record<string, SqsAction> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  DeleteQueue: deleteQueue,
  PurgeQueue: purgeQueue,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  ListQueueTags: listQueueTags,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
  AddPermission: addPermission,
  RemovePermission: removePermission,
  StartMessageMoveTask: startMessageMoveTask,
  ListMessageMoveTasks: listMessageMoveTasks,
  CancelMessageMoveTask: cancelMessageMoveTask,
};
