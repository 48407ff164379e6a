import { MegaError } from '../errors.js';
import { showValue as show } from '../show.js';
import type { PlanStep } from './types.js';

/** A topology declaration is invalid. `field` is a path such as `subscriptions[0].topic`. */
export class TopologyError extends MegaError {
  override name = 'TopologyError';
  constructor(
    /** Path of the offending field, e.g. `queues[2].deadLetter.queue`. */
    readonly field: string,
    /** The rejected value. */
    readonly value: unknown,
    /** What the field must be. */
    readonly rule: string,
  ) {
    super(`Invalid topology: ${field} ${rule} (got ${show(value)})`);
  }
}

/** Existing resources conflict with the declaration; nothing was changed. */
export class TopologyConflictError extends MegaError {
  override name = 'TopologyConflictError';
  constructor(
    /** The conflicting steps of the plan. */
    readonly conflicts: PlanStep[],
  ) {
    super(
      `Topology conflicts with existing resources (nothing was changed):\n${conflicts
        .map((step) => `  ${step.kind} ${step.resource}: ${step.details.join('; ')}`)
        .join('\n')}`,
    );
  }
}
