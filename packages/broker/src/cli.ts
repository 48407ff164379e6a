#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { describeError, UsageError } from './cli/common.js';
import { registerCommands } from './cli/index.js';

const program = new Command('mega')
  .description('sqs-mega: an embedded Amazon SQS and SNS compatible broker, and tools around it')
  .exitOverride();
registerCommands(program);

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
