/**
 * Typed errors of the MEGA core, one per domain. Each names the field, the offending value and the
 * rule or limit it broke, so that callers can report them without parsing the message.
 */

/** Base class of every error thrown by the MEGA core. */
export class MegaError extends Error {
  override name = 'MegaError';
}

/** A MEGA event (built or read) breaks the protocol: `field` is a dotted path such as `event.name`. */
export class MegaEventError extends MegaError {
  override name = 'MegaEventError';
  constructor(
    /** Dotted path of the offending field, e.g. `event.timestamp`. */
    readonly field: string,
    /** The value that was rejected (`undefined` when missing). */
    readonly value: unknown,
    /** What the field must be, e.g. `a non-empty string of [a-z0-9._-]`. */
    readonly rule: string,
  ) {
    super(`Invalid MEGA event: ${field} must be ${rule} (got ${describe(value)})`);
  }
}

/** A payload could not be encoded or decoded as requested (e.g. a marker that does not fit the body). */
export class CodecError extends MegaError {
  override name = 'CodecError';
  constructor(
    /** What was being encoded or decoded, e.g. `body` or `mega-encoding`. */
    readonly field: string,
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`Cannot ${rule} (${field}: ${describe(value)})`);
  }
}

/** A DSL pattern or JSON pattern cannot be compiled. `path` is the dotted path inside the pattern. */
export class PatternError extends MegaError {
  override name = 'PatternError';
  constructor(
    readonly path: string,
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`Invalid pattern at ${path || '<root>'}: ${rule} (got ${describe(value)})`);
  }
}

/**
 * An SNS filter policy that real SNS would reject. `reason` is SNS's own wording (e.g.
 * `Filter policy can not have more than 5 keys`); {@link FilterPolicyError.awsMessage} renders the full
 * `InvalidParameter` message the way SNS returns it.
 */
export class FilterPolicyError extends MegaError {
  override name = 'FilterPolicyError';
  constructor(
    /** SNS's reason text, without the `Invalid parameter: FilterPolicy: ` prefix. */
    readonly reason: string,
    /**
     * `FilterPolicy` for errors SNS reports against the policy itself, `FilterPolicyScope` for the
     * scope error (which SNS words without the `FilterPolicy:` prefix).
     */
    readonly parameter: 'FilterPolicy' | 'FilterPolicyScope' = 'FilterPolicy',
  ) {
    super(reason);
  }

  /**
   * The message SNS returns with error code `InvalidParameter`.
   * @param action - `Subscribe` (SNS adds `Attributes Reason: `) or `SetSubscriptionAttributes` (default).
   */
  awsMessage(action: 'Subscribe' | 'SetSubscriptionAttributes' = 'SetSubscriptionAttributes'): string {
    const head = action === 'Subscribe' ? 'Invalid parameter: Attributes Reason: ' : 'Invalid parameter: ';
    return this.parameter === 'FilterPolicy'
      ? `${head}FilterPolicy: ${this.reason}`
      : `${head}${this.reason}`;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    // BigInt members, cycles, objects without a prototype: describing a bad value never throws
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}
