import { sqsErrors } from '../errors.js';
import { type SqsActionName, type SqsOutput, sqsActions } from '../sqs/actions/index.js';
import { isConfiguredDeadLetterQueue, startMoveTask } from '../sqs/actions/move-tasks.js';
import type { SqsState } from '../sqs/state.js';
import type { RequestContext } from '../sqs/types.js';
import type { Command, CommandResults } from './api.js';

export type { Command } from './api.js';

/**
 * The dashboard's state-changing commands. Each calls the SQS action the wire calls (through
 * `sqsActions`), so a message sent from the page is validated and stored exactly as one sent by an SDK.
 */
export const COMMANDS: readonly Command[] = ['send', 'purge', 'redrive'];

/** Whether `name` is one of the {@link COMMANDS}. */
export function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}

/** Runs `command` with the JSON body of the request; returns the action's output. */
export async function runCommand(
  sqs: SqsState,
  ctx: RequestContext,
  command: Command,
  body: Record<string, unknown>,
): Promise<CommandResults[Command]> {
  const region = typeof body.region === 'string' && body.region !== '' ? body.region : ctx.region;
  const inRegion: RequestContext = { ...ctx, region };
  const queueName = typeof body.queue === 'string' ? body.queue : '';
  if (queueName === '') throw sqsErrors.missingParameter('queue');
  switch (command) {
    case 'send': {
      const input: Record<string, unknown> = { QueueUrl: queueName, MessageBody: body.body };
      if (typeof body.groupId === 'string' && body.groupId !== '') input.MessageGroupId = body.groupId;
      if (typeof body.deduplicationId === 'string' && body.deduplicationId !== '')
        input.MessageDeduplicationId = body.deduplicationId;
      if (typeof body.delaySeconds === 'number') input.DelaySeconds = body.delaySeconds;
      return call('SendMessage', sqs, inRegion, input);
    }
    case 'purge':
      return call('PurgeQueue', sqs, inRegion, { QueueUrl: queueName });
    case 'redrive': {
      const queue = sqs.resolve(inRegion, queueName);
      // A queue a listener dead-letters into (no RedrivePolicy names it) is redriven all the same: its
      // messages go back to the queue their mega-dead-letter-source attribute names.
      if (!isConfiguredDeadLetterQueue(sqs, queue)) return startMoveTask(sqs, queue, undefined, null);
      return call('StartMessageMoveTask', sqs, inRegion, { SourceArn: queue.arn });
    }
  }
}

/** Runs the SQS action `action`, as the wire would. */
async function call<A extends SqsActionName>(
  action: A,
  sqs: SqsState,
  ctx: RequestContext,
  input: Record<string, unknown>,
): Promise<SqsOutput<A>> {
  return sqsActions[action](sqs, ctx, input);
}
