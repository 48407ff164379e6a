import { type Action, type ActionOutput, actionTable } from '../../action-outputs.js';
import type { Input } from '../params.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';
import { listDeadLetterSourceQueues } from './dead-letter.js';
import { deleteMessage, deleteMessageBatch } from './delete.js';
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from './move-tasks.js';
import type { SqsOutputs } from './outputs.js';
import { addPermission, removePermission } from './permissions.js';
import { getQueueAttributes, setQueueAttributes } from './queue-attributes.js';
import { createQueue, deleteQueue, getQueueUrl, listQueues, purgeQueue } from './queues.js';
import { receiveMessage } from './receive.js';
import { sendMessage, sendMessageBatch } from './send.js';
import { listQueueTags, tagQueue, untagQueue } from './tags.js';
import { changeMessageVisibility, changeMessageVisibilityBatch } from './visibility.js';

export type { SqsOutputs } from './outputs.js';

/** An SQS action's name. */
export type SqsActionName = keyof SqsOutputs;

/** What SQS action `A` returns: its SDK output, JSON-shaped (see `action-outputs.ts`). */
export type SqsOutput<A extends SqsActionName> = ActionOutput<SqsOutputs[A]>;

/**
 * An SQS action: JSON-protocol-shaped input in, output out (or an AwsError thrown); `A` names the
 * action whose SDK output it returns (by default any: the union of every action's type).
 */
export type SqsAction<A extends SqsActionName = SqsActionName> = {
  [K in SqsActionName]: Action<SqsState, RequestContext, Input, SqsOutput<K>>;
}[A];

/**
 * Every SQS action the broker implements, by its API name (exactly the names of {@link SqsOutputs},
 * each returning its SDK output: a compile error otherwise).
 */
export const sqsActions = actionTable<SqsState, RequestContext, Input, SqsOutputs>()({
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
});

/** The action named `name`, if the broker implements it (own names only: `name` is user input). */
export function sqsActionNamed(name: string): SqsAction | undefined {
  return Object.hasOwn(sqsActions, name) ? sqsActions[name as SqsActionName] : undefined;
}
