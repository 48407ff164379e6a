import type { Command } from 'commander';
import { ReplayError, replay } from 'sqs-mega/replay';
import {
  type ClientOptions,
  clientAction,
  clientCommand,
  printJson,
  topicArn,
  UsageError,
} from './common.js';

/** `mega replay`: re-deliver a time range of a FIFO topic's archive into a subscription or a queue. */

interface ReplayCliOptions extends ClientOptions {
  from: string;
  to?: string;
  subscription?: string;
  queue?: string;
  raw: boolean;
  wait: boolean;
}

/** An instant given as ISO 8601, or as a duration back from now (`90s`, `15m`, `2h`, `7d`). */
export function parseInstant(flag: string, value: string, now = Date.now()): Date {
  const ago = /^(\d+)([smhd])$/.exec(value);
  if (ago) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(ago[1]) * unit);
  }
  const at = /^\d{4}-\d{2}-\d{2}(T|$)/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at))
    throw new UsageError(
      `${flag} must be an ISO 8601 time (2024-05-01T12:00:00Z) or a duration ago (15m, 2h, 7d), not ${value}`,
    );
  return new Date(at);
}

export function registerReplay(program: Command): void {
  clientCommand(program, 'replay', "re-deliver a time range of a FIFO topic's archive (SNS message replay)")
    .argument('<topic>', 'FIFO topic name or ARN (with an ArchivePolicy)')
    .requiredOption(
      '--from <time>',
      'replay messages published from this time: ISO 8601, or a duration ago (15m, 2h, 7d)',
    )
    .option(
      '--to <time>',
      'up to this time (default: now); the subscription then receives no new messages until its ReplayPolicy is removed, as on SNS',
    )
    .option('--subscription <arn>', 'replay into this subscription of the topic')
    .option('--queue <name>', 'replay into this SQS FIFO queue (name or ARN), subscribing it to the topic')
    .option('--raw', 'with --queue: raw message delivery (no SNS envelope)', false)
    .option('--no-wait', 'return once the replay started, without waiting for it to complete')
    .addHelpText(
      'after',
      '\nExamples:\n  mega replay orders.fifo --from 2h --queue rebuild.fifo\n  mega replay orders.fifo --from 2024-05-01T00:00:00Z --to 2024-05-02T00:00:00Z --subscription arn:aws:sns:...',
    )
    .action(
      clientAction(async ({ sns }, options: ReplayCliOptions, topic: string) => {
        const from = parseInstant('--from', options.from);
        const to = options.to === undefined ? undefined : parseInstant('--to', options.to);
        if ((options.subscription === undefined) === (options.queue === undefined))
          throw new UsageError('give exactly one of --subscription <arn> and --queue <name>');
        try {
          const result = await replay(sns, {
            topicArn: await topicArn(sns, topic),
            from,
            to,
            subscriptionArn: options.subscription,
            queue: options.queue,
            raw: options.raw,
            wait: options.wait,
          });
          if (options.json) printJson(result);
          else console.log(`${result.status}: ${result.subscriptionArn}`);
          if (result.status === 'Failed') process.exitCode = 1;
        } catch (error) {
          if (error instanceof ReplayError && error.field !== 'timeoutMs')
            throw new UsageError(error.message.replace(/^(\w+):/, (_, f: string) => `${flag(f)}:`));
          throw error;
        }
      }),
    );
}

/** The CLI flag of a replay() option. */
function flag(field: string): string {
  return (
    { topicArn: '<topic>', from: '--from', to: '--to', subscriptionArn: '--subscription', queue: '--queue' }[
      field
    ] ?? field
  );
}
