import {
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import {
  type ClientOptions,
  clientAction,
  clientCommand,
  colours,
  integerOption,
  printJson,
  queueArn,
  queueUrl,
} from './common.js';

/** `mega redrive`: a message move task out of a dead-letter queue, followed to its end. */

interface RedriveOptions extends ClientOptions {
  to?: string;
  rate?: number;
  wait: boolean;
}

function bar(moved: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, moved / total) : 1;
  const full = Math.round(ratio * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${moved}/${total}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function registerRedrive(program: Command): void {
  clientCommand(
    program,
    'redrive',
    'move the messages of a dead-letter queue back to their source queues (or --to a queue), showing progress',
  )
    .argument('<dead-letter-queue>', 'queue name or URL')
    .option('--to <queue>', 'destination queue name or URL (default: each message back to its source queue)')
    .option(
      '--rate <n>',
      'at most this many messages per second (default: as fast as the service goes)',
      integerOption,
    )
    .option('--no-wait', 'start the task and return its handle without waiting for it to finish')
    .action(
      clientAction(async ({ sqs }, options: RedriveOptions, dlq: string) => {
        const SourceArn = await queueArn(sqs, await queueUrl(sqs, dlq));
        const DestinationArn = options.to ? await queueArn(sqs, await queueUrl(sqs, options.to)) : undefined;
        const { TaskHandle } = await sqs.send(
          new StartMessageMoveTaskCommand({
            SourceArn,
            DestinationArn,
            MaxNumberOfMessagesPerSecond: options.rate,
          }),
        );
        if (!options.wait) {
          if (options.json) printJson({ taskHandle: TaskHandle, sourceArn: SourceArn, status: 'RUNNING' });
          else console.log(`started ${TaskHandle}`);
          return;
        }
        const c = colours(options.json);
        const live = c.on && process.stdout.isTTY;
        let task: ListMessageMoveTasksResultEntry | undefined;
        for (;;) {
          const { Results = [] } = await sqs.send(
            new ListMessageMoveTasksCommand({ SourceArn, MaxResults: 10 }),
          );
          task = Results.find((t) => t.TaskHandle === TaskHandle) ?? Results[0];
          const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
          const total = task?.ApproximateNumberOfMessagesToMove ?? moved;
          if (live) process.stdout.write(`\r${c.cyan(bar(moved, total))} ${task?.Status ?? ''}   `);
          if (task?.Status !== 'RUNNING') break;
          await sleep(250);
        }
        if (live) process.stdout.write('\n');
        const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
        const total = task?.ApproximateNumberOfMessagesToMove ?? moved;
        if (options.json) {
          printJson({
            taskHandle: TaskHandle,
            status: task?.Status,
            moved,
            toMove: total,
            sourceArn: SourceArn,
            destinationArn: task?.DestinationArn,
            failureReason: task?.FailureReason,
          });
        } else if (!live) {
          console.log(`${bar(moved, total)} ${task?.Status ?? ''}`);
        }
        if (task?.Status !== 'COMPLETED') {
          throw new Error(
            `move task ${task?.Status ?? 'vanished'}${task?.FailureReason ? `: ${task.FailureReason}` : ''}`,
          );
        }
        if (!options.json) console.log(c.green(`moved ${moved} message(s) out of ${dlq}`));
      }),
    );
}
