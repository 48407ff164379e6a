#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { describeError, UsageError } from './cli/errors.js';
import { registerServe } from './cli/serve.js';

// The AWS SDK's notice that its releases from 2027 need Node 22 (8 lines on stderr, on Node 20) is for
// the application that owns the SDK; a command-line tool prints it on every run, burying its own output.
// Set AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false to see it again. The SDK reads the variable
// when the first client is made, after this line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('mega')
  .description('sqs-mega: an embedded Amazon SQS and SNS compatible broker, and tools around it')
  .exitOverride();
// `mega serve` registers only itself, so the broker process never loads the AWS SDK clients the other
// commands use (~15 MB of resident memory, and start-up time).
if (process.argv[2] === 'serve') registerServe(program);
else (await import('./cli/index.js')).registerCommands(program);

// Exit codes: 0 done (and --help), 1 an error (AWS code and message on stderr), 2 a usage error.
program.parseAsync(process.argv).then(
  () => {
    process.exitCode ??= 0;
  },
  (error: unknown) => {
    if (error instanceof CommanderError) {
      const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      process.exit(ok ? 0 : 2);
    }
    console.error(`error: ${describeError(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
