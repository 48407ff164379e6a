import { AwsError, sqsErrors } from '../../errors.js';
import type { MoveTaskRow } from '../../store/index.js';
import { type Input, optionalInt, optionalString, requiredString } from '../params.js';
import { retentionCutoff } from '../retention.js';
import type { SqsState } from '../state.js';
import type { Queue, RequestContext } from '../types.js';

/**
 * StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask: redrive from dead-letter queues.
 * The tasks themselves run in `sqs/move-tasks.ts`. Errors and messages are those SQS returns.
 */

function resourceNotFound(message: string): AwsError {
  return new AwsError('ResourceNotFoundException', message, 404);
}

function queueOfArn(state: SqsState, arn: string, parameter: 'SourceArn' | 'DestinationArn'): Queue {
  const queue = state.byArn(arn);
  if (!queue) {
    throw resourceNotFound(`The resource that you specified for the ${parameter} parameter doesn't exist.`);
  }
  return queue;
}

/** A task handle: the task id and its source, base64-encoded JSON (as SQS's own handles are). */
function handleOf(task: MoveTaskRow): string {
  return Buffer.from(JSON.stringify({ taskId: task.task_id, sourceArn: task.source_arn })).toString('base64');
}

function parseHandle(handle: string): { taskId: string; sourceArn: string } {
  try {
    const parsed = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as Record<string, unknown>;
    if (typeof parsed.taskId === 'string' && typeof parsed.sourceArn === 'string') {
      return { taskId: parsed.taskId, sourceArn: parsed.sourceArn };
    }
  } catch {
    // not base64 JSON
  }
  throw sqsErrors.invalidParameterValue('Value for parameter TaskHandle is invalid.');
}

/** Whether some queue's RedrivePolicy names `queue` as its dead-letter queue. */
export function isConfiguredDeadLetterQueue(state: SqsState, queue: Queue): boolean {
  return state.queues.all().some((q) => q.settings.redrivePolicy?.deadLetterTargetArn === queue.arn);
}

export async function startMessageMoveTask(state: SqsState, _ctx: RequestContext, input: Input) {
  const source = queueOfArn(state, requiredString(input, 'SourceArn'), 'SourceArn');
  const destinationArn = optionalString(input, 'DestinationArn');
  const rate = optionalInt(input, 'MaxNumberOfMessagesPerSecond', 1, 500) ?? null;
  if (!isConfiguredDeadLetterQueue(state, source)) {
    throw sqsErrors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
  }
  return startMoveTask(state, source, destinationArn, rate);
}

/**
 * Starts a move task out of `source` without SQS's check that it is a configured dead-letter queue:
 * for the dashboard's Redrive of a queue a listener dead-letters into (`listener-dead-letters.ts`).
 * The other checks and errors are StartMessageMoveTask's.
 */
export async function startMoveTask(
  state: SqsState,
  source: Queue,
  destinationArn: string | undefined,
  rate: number | null,
): Promise<{ TaskHandle: string }> {
  if (destinationArn !== undefined) {
    const destination = queueOfArn(state, destinationArn, 'DestinationArn');
    if (destination === source) {
      throw sqsErrors.invalidParameterValue(
        `Value ${destinationArn} for parameter DestinationArn is invalid. Reason: the destination cannot be the source queue.`,
      );
    }
    if (destination.fifo !== source.fifo) {
      throw sqsErrors.invalidParameterValue(
        `Value ${destinationArn} for parameter DestinationArn is invalid. Reason: the destination must be of the same type as the source queue (FIFO or standard).`,
      );
    }
  }
  const task = await state.store.write(() => {
    if (state.store.moveTasks.active().some((t) => t.source_arn === source.arn)) {
      throw sqsErrors.invalidParameterValue(
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    }
    const cutoff = retentionCutoff(source, state.clock.now());
    return state.moves.create(source.arn, source.id, cutoff, destinationArn ?? null, rate);
  });
  state.moves.run(task);
  return { TaskHandle: handleOf(task) };
}

export function listMessageMoveTasks(state: SqsState, _ctx: RequestContext, input: Input) {
  const source = queueOfArn(state, requiredString(input, 'SourceArn'), 'SourceArn');
  const limit = optionalInt(input, 'MaxResults', 1, 10) ?? 1;
  return {
    Results: state.store.moveTasks.bySource(source.arn, limit).map((task) => ({
      TaskHandle: task.status === 'RUNNING' ? handleOf(task) : undefined,
      Status: task.status,
      SourceArn: task.source_arn,
      DestinationArn: task.destination_arn ?? undefined,
      MaxNumberOfMessagesPerSecond: task.max_per_second ?? undefined,
      ApproximateNumberOfMessagesMoved: task.moved,
      ApproximateNumberOfMessagesToMove: task.to_move,
      FailureReason: task.failure_reason ?? undefined,
      StartedTimestamp: task.started_at,
    })),
  };
}

export async function cancelMessageMoveTask(state: SqsState, _ctx: RequestContext, input: Input) {
  const { taskId, sourceArn } = parseHandle(requiredString(input, 'TaskHandle'));
  queueOfArn(state, sourceArn, 'SourceArn');
  const moved = await state.store.write(() => {
    const task = state.store.moveTasks.get(taskId);
    if (!task || task.source_arn !== sourceArn) throw resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') {
      throw sqsErrors.invalidParameterValue(
        `Task ${taskId} is ${task.status}; only a RUNNING task can be cancelled.`,
      );
    }
    state.store.moveTasks.update(taskId, 'CANCELLING', task.moved, null);
    return task.moved;
  });
  return { ApproximateNumberOfMessagesMoved: moved };
}
