import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PushWorker, parseCronYaml } from 'sqs-mega';
import { createLogger } from '../logger.js';
import {
  type ClientOptions,
  clientAction,
  clientCommand,
  integerOption,
  queueUrl,
  UsageError,
} from './common.js';

/** `mega worker`: an sqsd-compatible HTTP push worker (docs/push-worker.md). */

interface WorkerOptions extends ClientOptions {
  queue: string;
  post: string;
  connections: number;
  inactivityTimeout: number;
  visibilityTimeout: number;
  errorVisibilityTimeout: number;
  retentionPeriod: number;
  maxRetries: number;
  deadLetterQueue?: string;
  mimeType: string;
  cron?: string;
  logLevel?: string;
}

export function registerWorker(program: Command): void {
  clientCommand(
    program,
    'worker',
    "POST each message of a queue to an HTTP endpoint, as Elastic Beanstalk's sqsd does (2xx deletes, anything else retries); runs until SIGINT/SIGTERM",
  )
    .requiredOption('--queue <queue>', 'queue name or URL')
    .requiredOption('--post <url>', 'where messages are POSTed, e.g. http://127.0.0.1:8080/jobs')
    .option('--connections <n>', 'POSTs in flight at once', integerOption, 50)
    .option('--inactivity-timeout <seconds>', 'how long a POST may take to be answered', integerOption, 299)
    .option('--visibility-timeout <seconds>', 'visibility timeout asked for on receive', integerOption, 300)
    .option(
      '--error-visibility-timeout <seconds>',
      'delay before a failed message is retried',
      integerOption,
      2,
    )
    .option(
      '--retention-period <seconds>',
      'messages older than this are deleted without a POST',
      integerOption,
      345_600,
    )
    .option(
      '--dead-letter-queue <queue>',
      "move messages here after --max-retries (default: the queue's RedrivePolicy acts)",
    )
    .option('--max-retries <n>', 'receives before --dead-letter-queue takes a message', integerOption, 10)
    .option(
      '--mime-type <type>',
      'Content-Type of messages without a Content-Type attribute',
      'application/json',
    )
    .option('--cron <file>', "periodic tasks, a cron.yaml in sqsd's format")
    .option('--log-level <level>', 'debug, info, warn, error or silent (default: MEGA_LOG_LEVEL, else info)')
    .action(
      clientAction(async ({ sqs }, options: WorkerOptions) => {
        let cron: ReturnType<typeof parseCronYaml> | undefined;
        if (options.cron !== undefined) {
          let text: string;
          try {
            text = readFileSync(options.cron, 'utf8');
          } catch (error) {
            throw new UsageError(`--cron ${options.cron}: ${(error as Error).message}`);
          }
          cron = parseCronYaml(text);
        }
        try {
          new URL(options.post);
        } catch {
          throw new UsageError(`--post must be a URL (got ${options.post})`);
        }
        const worker = new PushWorker({
          client: sqs,
          queueUrl: await queueUrl(sqs, options.queue),
          url: options.post,
          connections: Math.max(1, options.connections),
          inactivityTimeout: options.inactivityTimeout,
          visibilityTimeout: options.visibilityTimeout,
          errorVisibilityTimeout: options.errorVisibilityTimeout,
          retentionPeriod: options.retentionPeriod,
          maxRetries: options.maxRetries,
          ...(options.deadLetterQueue
            ? { deadLetterQueueUrl: await queueUrl(sqs, options.deadLetterQueue) }
            : {}),
          mimeType: options.mimeType,
          ...(cron ? { cron } : {}),
          logger: createLogger(options.logLevel),
        });
        worker.on('delivered', (e) => log(options, { event: 'delivered', ...e }));
        worker.on('failed', (e) => log(options, { event: 'failed', ...e }));
        worker.on('dead-lettered', (e) => log(options, { event: 'dead-lettered', ...e }));
        await runUntilSignal(worker, `worker: ${options.queue} → POST ${options.post}`);
      }),
    );
}

function log(options: { json: boolean }, record: Record<string, unknown>): void {
  if (options.json) process.stdout.write(`${JSON.stringify(record)}\n`);
  else
    console.log(
      Object.entries(record)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    );
}

/** Starts `runner`, prints `banner` to stderr, and resolves once a SIGINT/SIGTERM stopped it gracefully. */
export async function runUntilSignal(
  runner: { start?(): unknown; stop(): Promise<void> },
  banner: string,
): Promise<void> {
  runner.start?.();
  console.error(`${banner} (Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void runner.stop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
