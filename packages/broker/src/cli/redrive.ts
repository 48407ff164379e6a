import {
  ListDeadLetterSourceQueuesCommand,
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
  printJson,
  queueArn,
  queueUrl,
  rangeOption,
} from './common.js';
import { redriveByCopy } from './redrive-copy.js';

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
    'move the messages of a dead-letter queue back to their source queues (or --to a queue), showing progress; a queue a listener dead-letters into (no RedrivePolicy) too',
  )
    .argument('<dead-letter-queue>', 'queue name or URL')
    .option('--to <queue>', 'destination queue name or URL (default: each message back to its source queue)')
    .option(
      '--rate <n>',
      'at most this many messages per second, 1-500 (default: as fast as the service goes)',
      rangeOption(1, 500),
    )
    .option('--no-wait', 'start the task and return its handle without waiting for it to finish')
    .action(
      clientAction(async ({ sqs }, options: RedriveOptions, dlq: string) => {
        const dlqUrl = await queueUrl(sqs, dlq);
        const SourceArn = await queueArn(sqs, dlqUrl);
        const c = colours(options.json);
        const live = c.on && process.stdout.isTTY;
        const { queueUrls = [] } = await sqs.send(
          new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl, MaxResults: 1 }),
        );
        if (queueUrls.length === 0) {
          // No RedrivePolicy names this queue: StartMessageMoveTask would refuse it (as SQS does); a
          // listener's own dead letters name their source queue, so move them with plain calls.
          const destination = options.to ? await queueUrl(sqs, options.to) : undefined;
          const result = await redriveByCopy(sqs, dlqUrl, {
            destination,
            rate: options.rate,
            progress: (moved, total) => live && process.stdout.write(`\r${c.cyan(bar(moved, total))}   `),
          });
          if (live) process.stdout.write('\n');
          report(options, dlq, SourceArn, { ...result, destinationArn: undefined, taskHandle: undefined });
          return;
        }
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
        report(options, dlq, SourceArn, {
          taskHandle: TaskHandle,
          status: task?.Status,
          moved,
          toMove: task?.ApproximateNumberOfMessagesToMove ?? moved,
          destinationArn: task?.DestinationArn,
          failureReason: task?.FailureReason,
        });
      }),
    );
}

/** Prints how a redrive ended (a bar when not already drawn live, or JSON); throws unless it completed. */
function report(
  options: RedriveOptions,
  dlq: string,
  sourceArn: string,
  end: {
    taskHandle: string | undefined;
    status: string | undefined;
    moved: number;
    toMove: number;
    destinationArn: string | undefined;
    failureReason?: string;
  },
): void {
  const c = colours(options.json);
  const live = c.on && process.stdout.isTTY;
  if (options.json) printJson({ ...end, sourceArn });
  else if (!live) console.log(`${bar(end.moved, end.toMove)} ${end.status ?? ''}`);
  if (end.status !== 'COMPLETED') {
    throw new Error(
      `move task ${end.status ?? 'vanished'}${end.failureReason ? `: ${end.failureReason}` : ''}`,
    );
  }
  if (!options.json) console.log(c.green(`moved ${end.moved} message(s) out of ${dlq}`));
}
