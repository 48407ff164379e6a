import { FlowOptionError } from '../listen/deferrer.js';
import { FatalError } from '../listen/errors.js';

export { FlowOptionError };

/**
 * A flow-control key function (or path) failed on a message: that message fails (fatal: it is
 * dead-lettered with this error as the reason, the listener keeps running). `cause` is the error.
 */
export class FlowKeyError extends FatalError {
  override name = 'FlowKeyError';
  constructor(
    /** The option whose key failed, e.g. `rateLimit.key`. */
    readonly option: string,
    cause: unknown,
  ) {
    super(`${option} failed on this message: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** A finite number > 0 (or ≥ 0 with `zero`), or a {@link FlowOptionError} naming `option`. */
export function positive(option: string, value: number, rule = 'a finite number > 0'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new FlowOptionError(option, value, rule);
  return value;
}

/** A whole number ≥ 1, or a {@link FlowOptionError} naming `option`. */
export function count(option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new FlowOptionError(option, value, 'an integer ≥ 1');
  return value;
}
