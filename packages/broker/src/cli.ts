#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './cli/index.js';

const program = new Command('mega').description(
  'sqs-mega: an embedded Amazon SQS and SNS compatible broker, and tools around it',
);
registerCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
