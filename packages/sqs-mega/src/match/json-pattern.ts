import { FilterPolicyError } from '../errors.js';
import { type CompiledPattern, makePattern } from './core.js';
import { compileKeyRule, prepareFor } from './json-compile.js';
import { type Dialect, type FilterPolicyScope, parsePolicy, SNS_LIMITS } from './json-rules.js';

/** Options of {@link compileJsonPattern}. */
export interface JsonPatternOptions {
  /**
   * `MessageAttributes` (default): flat keys matched against SNS message attributes;
   * `MessageBody`: nested keys matched against a parsed JSON payload (also MEGA events and data objects).
   */
  scope?: FilterPolicyScope;
  /**
   * `sns` (default): only what SNS accepts, with SNS's limits (5 keys, 150 combinations, 256 KB,
   * numbers within ±1e9), so a policy that works locally works on AWS. `eventbridge`: also `wildcard`,
   * `exact`, `anything-but` with `suffix`/`equals-ignore-case`/`wildcard`, `prefix`/`suffix` with
   * `equals-ignore-case`; no SNS limits.
   */
  dialect?: Dialect;
}

/**
 * Compiles a JSON pattern (SNS filter policy or EventBridge pattern), given as JSON text or a parsed object.
 *
 * Semantics: keys are ANDed; the conditions in a key's array are ORed; a payload array matches when
 * any element matches; numeric conditions (and number literals) apply to numbers only — in scope
 * `MessageAttributes`, to `Number`-typed attributes; strings never equal numbers.
 * @throws {@link FilterPolicyError} with SNS's own message when SNS would reject the policy.
 * @example
 * ```ts
 * const p = compileJsonPattern('{"store":["example_corp"],"price":[{"numeric":[">",100]}]}');
 * p.matches({ store: { Type: 'String', Value: 'example_corp' }, price: { Type: 'Number', Value: '150' } });
 * ```
 */
export function compileJsonPattern(
  policy: string | object,
  options: JsonPatternOptions = {},
): CompiledPattern {
  const scope = options.scope ?? 'MessageAttributes';
  const dialect = options.dialect ?? 'sns';
  let parsed: unknown = policy;
  if (typeof policy === 'string') {
    if (dialect === 'sns' && Buffer.byteLength(policy, 'utf8') > SNS_LIMITS.bytes) {
      throw new FilterPolicyError('Filter policy is too large');
    }
    try {
      parsed = JSON.parse(policy);
    } catch (error) {
      throw new FilterPolicyError(`failed to parse JSON. ${(error as Error).message}`);
    }
  }
  const mode = scope === 'MessageAttributes' ? 'attributes' : 'body';
  const branches = parsePolicy(parsed, dialect, scope).map((keys) => ({
    conditions: keys.map((key) => compileKeyRule(key, mode)),
  }));
  return makePattern('json', mode, branches, prepareFor(mode));
}

/** The outcome of {@link validateFilterPolicy}: a compiled pattern, or SNS's error. */
export type FilterPolicyResult =
  | { ok: true; pattern: CompiledPattern }
  | {
      ok: false;
      error: FilterPolicyError;
      /** SNS's `InvalidParameter` message for SetSubscriptionAttributes, e.g. `Invalid parameter: FilterPolicy: Filter policy is too complex`. */
      message: string;
    };

/**
 * For the broker: validates an SNS `FilterPolicy` attribute for a `FilterPolicyScope` and compiles it
 * (SNS dialect). Never throws for a bad policy.
 */
export function validateFilterPolicy(
  policy: string,
  scope: FilterPolicyScope = 'MessageAttributes',
): FilterPolicyResult {
  try {
    return { ok: true, pattern: compileJsonPattern(policy, { scope, dialect: 'sns' }) };
  } catch (error) {
    if (error instanceof FilterPolicyError) return { ok: false, error, message: error.awsMessage() };
    throw error;
  }
}
