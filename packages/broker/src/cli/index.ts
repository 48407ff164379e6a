import type { Command } from 'commander';
import { registerApply } from './apply.js';
import { registerLambda } from './lambda.js';
import { registerMessages } from './messages.js';
import { registerQueues } from './queues.js';
import { registerRedrive } from './redrive.js';
import { registerServe } from './serve.js';
import { registerTopics } from './topics.js';
import { registerWorker } from './worker.js';

/** Registers every `mega` command on the program. */
export function registerCommands(program: Command): void {
  registerServe(program);
  registerApply(program);
  registerQueues(program);
  registerMessages(program);
  registerRedrive(program);
  registerTopics(program);
  registerWorker(program);
  registerLambda(program);
}
