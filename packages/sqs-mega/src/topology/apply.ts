import { TopologyConflictError } from './errors.js';
import { buildPlan } from './plan.js';
import type { ApplyOptions, ApplyResult, Topology, TopologyClients } from './types.js';

/**
 * Creates what `topology` declares and is missing, and updates the attributes that differ — never
 * deleting a resource, nor an attribute, statement or subscription it does not declare. Idempotent:
 * a second run changes nothing. Dead-letter queues are created before their sources, topics before
 * subscriptions. Throws a {@link TopologyConflictError} (before changing anything) when an existing
 * resource conflicts, and a {@link TopologyError} when the declaration is invalid.
 */
export async function applyTopology(
  clients: TopologyClients,
  topology: Topology,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const plan = await buildPlan(clients, topology, options);
  const steps = plan.steps.map((s) => s.step);
  const conflicts = steps.filter((s) => s.action === 'conflict');
  if (conflicts.length > 0) throw new TopologyConflictError(conflicts);
  let changed = false;
  if (!options.dryRun) {
    for (const s of plan.steps) {
      if (!s.run) continue;
      await s.run(plan.ctx);
      changed = true;
    }
  }
  const queues: ApplyResult['queues'] = {};
  for (const [name, q] of plan.ctx.queues) queues[name] = { url: q.url, arn: q.arn };
  const topics: ApplyResult['topics'] = {};
  for (const [name, arn] of plan.ctx.topics) topics[name] = arn === undefined ? {} : { arn };
  return { steps, changed, queues, topics, topicArns: Object.fromEntries(plan.ctx.topics) };
}
