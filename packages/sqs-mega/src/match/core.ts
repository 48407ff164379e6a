/**
 * The compiled representation shared by both pattern syntaxes: a pattern is an OR of branches, a
 * branch an AND of conditions, a condition a closure over one path of the payload. Conditions carry
 * optional index hints (exact values, prefixes, numeric ranges, presence) that let a
 * {@link MatcherSet} find candidate patterns without evaluating every one.
 */

/**
 * How a pattern reads its payload:
 * - `dsl`: plain objects, exact paths, values as they are (a list is a value);
 * - `body`: parsed JSON bodies, SNS/EventBridge rules (arrays fan out, dotted keys also match);
 * - `attributes`: SNS message attribute maps (`{name: {Type, Value}}` or the SDK's `{DataType, StringValue}`).
 */
export type PayloadMode = 'dsl' | 'body' | 'attributes';

/** A numeric interval: `[low, lowInclusive, high, highInclusive]`; infinite ends allowed. */
export type NumericRange = readonly [number, boolean, number, boolean];

/**
 * Index hints of a condition. When present, the condition is true exactly when one of the values
 * found at its path hits one of the hints, so a set can select it by lookup.
 */
export interface Hint {
  /** Value keys (see `valueKey`) that satisfy the condition. */
  exact?: readonly string[];
  /** String prefixes that satisfy it. */
  prefixes?: readonly string[];
  /** String suffixes that satisfy it. */
  suffixes?: readonly string[];
  /** Lower-cased strings that satisfy it when the value, lower-cased, equals one (`equals-ignore-case`). */
  folded?: readonly string[];
  /** Numeric intervals that satisfy it (numbers only; for DSL patterns numeric strings too). */
  ranges?: readonly NumericRange[];
  /** True when any present value satisfies it. */
  exists?: boolean;
}

/** One condition on one path of the (prepared) payload. */
export interface Condition {
  readonly path: readonly string[];
  /** Evaluates the condition against the prepared payload root. Never throws. */
  readonly test: (root: unknown) => boolean;
  readonly hint?: Hint;
  /**
   * Optional split of `test` into its path lookup (a resolver shared by every condition on the same
   * path, see `pathResolver`) and the check of what it found, so that a {@link MatcherSet} can resolve
   * each path once per payload.
   */
  readonly resolve?: (root: unknown) => unknown;
  readonly check?: (found: unknown, root: unknown) => boolean;
  /**
   * Optional identity of what the condition tests: two conditions with the same key are
   * interchangeable, so a {@link MatcherSet} evaluates one of them once per payload for all patterns.
   */
  readonly key?: string;
}

/** An AND of conditions. */
export interface Branch {
  readonly conditions: readonly Condition[];
}

/** A compiled pattern, from either syntax. Compile once, evaluate many times. */
export interface CompiledPattern {
  /** Which surface syntax produced it. */
  readonly syntax: 'dsl' | 'json';
  readonly mode: PayloadMode;
  /** OR of branches (one unless the JSON pattern used `$or`). */
  readonly branches: readonly Branch[];
  /** Tests one payload (for `attributes` mode, a message attribute map). Never throws. */
  matches(payload: unknown): boolean;
}

/** Builds a {@link CompiledPattern} from branches; `prepare` turns a raw payload into the root conditions read. */
export function makePattern(
  syntax: 'dsl' | 'json',
  mode: PayloadMode,
  branches: readonly Branch[],
  prepare: (payload: unknown) => unknown,
): CompiledPattern {
  const evaluate = (root: unknown): boolean => {
    for (const branch of branches) {
      if (branchMatches(branch, root)) return true;
    }
    return false;
  };
  return { syntax, mode, branches, matches: (payload) => evaluate(prepare(payload)) };
}

/** True when every condition of the branch holds for `root`. */
export function branchMatches(branch: Branch, root: unknown): boolean {
  const conditions = branch.conditions;
  for (let i = 0; i < conditions.length; i++) {
    if (!(conditions[i] as Condition).test(root)) return false;
  }
  return true;
}
