import type { Command } from 'commander';
import { HandlerLoadError, loadHandler, runEventSourceMapping } from 'sqs-mega';
import { createLogger } from '../logger.js';
import {
  type ClientOptions,
  clientAction,
  clientCommand,
  integerOption,
  queueUrl,
  UsageError,
} from './common.js';
import { runUntilSignal } from './worker.js';

/** `mega lambda`: a local SQS event source mapping for a Lambda handler (docs/lambda.md). */

interface LambdaOptions extends ClientOptions {
  queue: string;
  handler: string;
  batchSize: number;
  batchingWindow: number;
  concurrency: number;
  timeout: number;
  reportBatchItemFailures: boolean;
  functionName?: string;
  logLevel?: string;
}

export function registerLambda(program: Command): void {
  clientCommand(
    program,
    'lambda',
    "invoke a Lambda handler with batches of a queue's messages, as Lambda's SQS event source mapping does; runs until SIGINT/SIGTERM",
  )
    .requiredOption('--queue <queue>', 'queue name or URL')
    .requiredOption(
      '--handler <file[#export]>',
      'the handler module and export (default export name: handler)',
    )
    .option(
      '--batch-size <n>',
      'most records per invocation (above 10 needs --batching-window)',
      integerOption,
      10,
    )
    .option(
      '--batching-window <seconds>',
      'how long to gather records (MaximumBatchingWindowInSeconds)',
      integerOption,
      0,
    )
    .option('--concurrency <n>', 'invocations at once (MaximumConcurrency)', integerOption, 2)
    .option('--timeout <seconds>', 'function timeout', integerOption, 3)
    .option(
      '--report-batch-item-failures',
      'read batchItemFailures from the result (FunctionResponseTypes)',
      false,
    )
    .option('--function-name <name>', "context.functionName (default: the handler file's name)")
    .option('--log-level <level>', 'debug, info, warn, error or silent (default: MEGA_LOG_LEVEL, else info)')
    .action(
      clientAction(async ({ sqs }, options: LambdaOptions) => {
        let handler: Awaited<ReturnType<typeof loadHandler>>;
        try {
          handler = await loadHandler(options.handler);
        } catch (error) {
          if (error instanceof HandlerLoadError) throw new UsageError(error.message);
          throw error;
        }
        const name =
          options.functionName ??
          (options.handler.split('#')[0] ?? '')
            .split('/')
            .pop()
            ?.replace(/\.[cm]?[jt]s$/, '');
        let mapping: Awaited<ReturnType<typeof runEventSourceMapping>>;
        try {
          mapping = await runEventSourceMapping({
            client: sqs,
            queueUrl: await queueUrl(sqs, options.queue),
            handler,
            batchSize: options.batchSize,
            maximumBatchingWindowInSeconds: options.batchingWindow,
            maximumConcurrency: options.concurrency,
            functionTimeout: options.timeout,
            reportBatchItemFailures: options.reportBatchItemFailures,
            ...(name ? { functionName: name } : {}),
            logger: createLogger(options.logLevel),
          });
        } catch (error) {
          if (error instanceof RangeError) throw new UsageError(error.message);
          throw error;
        }
        mapping.on('invoked', (e) => {
          if (options.json) process.stdout.write(`${JSON.stringify({ event: 'invoked', ...e })}\n`);
          else
            console.log(
              Object.entries(e)
                .map(([k, v]) => `${k}=${v}`)
                .join(' '),
            );
        });
        await runUntilSignal(mapping, `lambda: ${options.queue} → ${options.handler}`);
      }),
    );
}
