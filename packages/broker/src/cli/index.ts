import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { registerApply } from './apply.js';
import { registerLambda } from './lambda.js';
import { registerMessages } from './messages.js';
import { registerQueues } from './queues.js';
import { registerRedrive } from './redrive.js';
import { registerReplay } from './replay.js';
import { registerServe } from './serve.js';
import { registerTopics } from './topics.js';
import { registerWorker } from './worker.js';

/** The package's version, from its package.json (two levels up from src/cli/ and dist/cli/). */
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Registers every `mega` command on the program, and `--version` / `-V` (the package version). */
export function registerCommands(program: Command): void {
  program.version(version, '-V, --version', 'print the sqs-mega-broker version');
  registerServe(program);
  registerApply(program);
  registerQueues(program);
  registerMessages(program);
  registerRedrive(program);
  registerTopics(program);
  registerReplay(program);
  registerWorker(program);
  registerLambda(program);
}
