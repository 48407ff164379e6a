import type { Command } from 'commander';
import { applyTopology, formatPlan, loadTopologyFile, TopologyConflictError } from 'sqs-mega';
import { type ClientOptions, clientAction, clientCommand, colours, printJson } from './common.js';

/** `mega apply <file>`: a declared topology, planned, printed and applied. */

interface ApplyOptions extends ClientOptions {
  dryRun: boolean;
  queuePolicies: boolean;
}

const ACTION_COLOURS = { '+': 'green', '~': 'yellow', '=': 'dim', '!': 'red' } as const;

function colourPlan(text: string): string {
  const c = colours();
  return text
    .split('\n')
    .map((line) => {
      const colour = ACTION_COLOURS[line[0] as keyof typeof ACTION_COLOURS];
      return colour ? c[colour](line) : line;
    })
    .join('\n');
}

export function registerApply(program: Command): void {
  clientCommand(
    program,
    'apply',
    'create or update the queues, topics and subscriptions a topology file declares (never deletes)',
  )
    .argument('<file>', 'topology: .json, or a .mjs/.js module exporting it as default')
    .option('--dry-run', 'print the plan, change nothing', false)
    .option('--no-queue-policies', 'do not give subscribed queues the SQS policy that lets their topics send')
    .action(
      clientAction(async (clients, options: ApplyOptions, file: string) => {
        const topology = await loadTopologyFile(file);
        try {
          const result = await applyTopology(clients, topology, {
            dryRun: options.dryRun,
            queuePolicies: options.queuePolicies,
          });
          if (options.json) {
            printJson({
              dryRun: options.dryRun,
              changed: result.changed,
              steps: result.steps,
              queues: result.queues,
              topics: result.topics,
            });
            return;
          }
          console.log(colourPlan(formatPlan(result.steps)));
          if (options.dryRun) console.log('dry run: nothing changed');
          else console.log(result.changed ? colours().green('applied') : 'nothing to change');
        } catch (error) {
          if (!(error instanceof TopologyConflictError)) throw error;
          if (options.json) printJson({ dryRun: options.dryRun, changed: false, conflicts: error.conflicts });
          else console.log(colourPlan(formatPlan(error.conflicts)));
          throw new Error(
            `${error.conflicts.length} conflict(s) with existing resources: nothing was changed`,
          );
        }
      }),
    );
}
