import type { Command } from 'commander';
import { registerServe } from './serve.js';

/** Registers every `mega` command on the program. */
export function registerCommands(program: Command): void {
  registerServe(program);
}
