import { MegaError } from '../errors.js';
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

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value); // circular, or a BigInt: never fail while reporting
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
