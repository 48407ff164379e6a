import { isPlainObject } from '../event/validate.js';
import { attributeValues } from './attributes.js';
import { compileCidr } from './cidr.js';
import type { Condition, Hint, NumericRange, PayloadMode } from './core.js';
import type { KeyRule, ValueRule } from './json-rules.js';
import { Many, MISSING, pathResolver } from './resolve.js';
import { jsonKey, snsNumber } from './values.js';

/** Prepares a payload for JSON-pattern conditions: attribute maps become plain values. */
export function prepareFor(mode: PayloadMode): (payload: unknown) => unknown {
  return mode === 'attributes' ? attributeValues : (payload) => payload;
}

/**
 * One key of a JSON pattern, compiled: its path and its OR'd value tests. A class (not a closure per
 * pattern) so that one shared, hot method evaluates every subscription's condition.
 */
class KeyCondition implements Condition {
  readonly hint?: Hint;
  readonly resolve: (root: unknown) => unknown;
  constructor(
    readonly key: string,
    readonly path: readonly string[],
    private readonly tests: readonly ValueTest[],
    private readonly existsTrue: boolean,
    private readonly existsFalse: boolean,
    private readonly nullMatchesMissing: boolean,
    private readonly attributes: boolean,
    hint: Hint | undefined,
  ) {
    if (hint !== undefined) this.hint = hint;
    this.resolve = pathResolver(path, true);
  }

  test(root: unknown): boolean {
    return this.check(this.resolve(root), root);
  }

  shape(): ConditionShape | undefined {
    if (this.existsFalse || this.nullMatchesMissing) return undefined;
    const only = this.tests[0];
    // inline `exists` only when it is the whole condition: beside another test, a null may still match
    if (this.existsTrue) return this.tests.length === 0 ? { kind: 'exists' } : undefined;
    if (this.tests.length === 1 && only?.kind === Kind.NotEqual && typeof only.operand === 'string')
      return { kind: 'differs', value: only.operand };
    // a string is in an anything-but set only as one of its strings
    if (this.tests.length === 1 && only?.kind === Kind.NotIn) {
      const strings = [...(only.operand as Set<unknown>)].filter((v): v is string => typeof v === 'string');
      if (strings.length <= 8) return { kind: 'none-of', values: strings };
    }
    return undefined;
  }

  check(found: unknown, root: unknown): boolean {
    if (found === MISSING) {
      // SNS: a key's absence matches (`exists: false`, or in scope MessageAttributes a `null`
      // alternative) only in a message that has at least one attribute; in scope MessageBody only
      // in a body that is a JSON object — plain text matches no body policy at all.
      if (!(this.existsFalse || this.nullMatchesMissing)) return false;
      return this.attributes ? hasKeys(root) : isPlainObject(root);
    }
    if (typeof found === 'object' && found instanceof Many) {
      for (const v of found.values) if (this.any(v)) return true;
      return false;
    }
    return this.any(found);
  }

  private any(value: unknown): boolean {
    // `exists: true` wants a value: a JSON null does not count as one
    if (this.existsTrue && value !== null) return true;
    const tests = this.tests;
    for (let i = 0; i < tests.length; i++) if ((tests[i] as ValueTest).test(value)) return true;
    return false;
  }
}

/**
 * The simple shapes a {@link MatcherSet} checks inline, without calling the condition: `exists`
 * (true when a value other than JSON null is present), `differs` (an `anything-but` of one string: true when a single
 * present value is not that string; for several values the condition itself decides) and `none-of`
 * (an `anything-but` of a few values: true when a single present string is none of its strings).
 */
export type ConditionShape =
  | { kind: 'exists' }
  | { kind: 'differs'; value: string }
  | { kind: 'none-of'; values: readonly string[] };

/** The {@link ConditionShape} of a compiled JSON-pattern condition, if it has one. */
export function shapeOf(condition: Condition): ConditionShape | undefined {
  return condition instanceof KeyCondition ? condition.shape() : undefined;
}

/** Compiles one key rule (a path and its OR'd conditions) to a {@link Condition}. */
export function compileKeyRule(rule: KeyRule, mode: 'body' | 'attributes'): Condition {
  const tests: ValueTest[] = [];
  let existsTrue = false;
  let existsFalse = false;
  let nullMatchesMissing = false;
  for (const r of rule.rules) {
    if (r.op === 'exists') {
      if (r.value) existsTrue = true;
      else existsFalse = true;
    } else {
      // SNS attributes are never null: a `null` condition there stands for "attribute absent".
      if (r.op === 'exact' && r.value === null && mode === 'attributes') nullMatchesMissing = true;
      tests.push(compileValueRule(r));
    }
  }
  const hint = hintOf(rule.rules, mode);
  return new KeyCondition(
    conditionKey(rule, mode),
    rule.path,
    tests,
    existsTrue,
    existsFalse,
    nullMatchesMissing,
    mode === 'attributes',
    hint,
  );
}

enum Kind {
  Equal,
  Number,
  Prefix,
  Suffix,
  Regex,
  Range,
  Custom,
  NotIn,
  NotEqual,
  NotPrefix,
  NotSuffix,
  NotRegex,
}

/** One value condition, interpreted by a single shared method (see {@link KeyCondition}). */
class ValueTest {
  constructor(
    readonly kind: Kind,
    /** Equal: the value; Prefix/Suffix/NotPrefix/NotSuffix: the strings. */
    readonly operand: unknown,
    readonly ignoreCase = false,
    readonly range: NumericRange = [0, false, 0, false],
    readonly custom?: (value: unknown) => boolean,
  ) {}

  test(value: unknown): boolean {
    switch (this.kind) {
      case Kind.Equal:
        return value === this.operand;
      case Kind.Number:
        return typeof value === 'number' && snsNumber(value) === this.operand;
      case Kind.Range: {
        if (typeof value !== 'number') return false;
        const n = snsNumber(value);
        const [low, lowInc, high, highInc] = this.range;
        return (lowInc ? n >= low : n > low) && (highInc ? n <= high : n < high);
      }
      case Kind.NotIn:
        return !(this.operand as Set<unknown>).has(typeof value === 'number' ? snsNumber(value) : value);
      case Kind.NotEqual:
        return (typeof value === 'number' ? snsNumber(value) : value) !== this.operand;
    }
    if (typeof value !== 'string') return false;
    const v = this.ignoreCase ? value.toLowerCase() : value;
    switch (this.kind) {
      case Kind.Prefix:
        return v.startsWith(this.operand as string);
      case Kind.Suffix:
        return v.endsWith(this.operand as string);
      case Kind.Regex:
        return (this.operand as RegExp).test(v);
      case Kind.NotPrefix:
        return !(this.operand as string[]).some((p) => v.startsWith(p));
      case Kind.NotSuffix:
        return !(this.operand as string[]).some((p) => v.endsWith(p));
      case Kind.NotRegex:
        return !(this.operand as RegExp[]).some((re) => re.test(v));
      default:
        return (this.custom as (value: unknown) => boolean)(value);
    }
  }
}

function compileValueRule(rule: Exclude<ValueRule, { op: 'exists' }>): ValueTest {
  switch (rule.op) {
    case 'exact':
      return typeof rule.value === 'number'
        ? new ValueTest(Kind.Number, snsNumber(rule.value))
        : new ValueTest(Kind.Equal, rule.value);
    case 'prefix':
    case 'suffix':
      return new ValueTest(
        rule.op === 'prefix' ? Kind.Prefix : Kind.Suffix,
        rule.ignoreCase ? rule.value.toLowerCase() : rule.value,
        rule.ignoreCase,
      );
    case 'equals-ignore-case':
      return new ValueTest(Kind.Regex, new RegExp(`^${escapeRegex(rule.value.toLowerCase())}$`), true);
    case 'wildcard':
      return new ValueTest(Kind.Regex, wildcardRegex(rule.value));
    case 'numeric':
      return new ValueTest(Kind.Range, undefined, false, numericRange(rule.terms));
    case 'cidr':
      return new ValueTest(Kind.Custom, undefined, false, undefined, compileCidr(rule.value));
    case 'anything-but':
      return anythingBut(rule);
  }
}

function anythingBut(rule: Extract<ValueRule, { op: 'anything-but' }>): ValueTest {
  const strings = rule.values.filter((v): v is string => typeof v === 'string');
  switch (rule.kind) {
    case 'values':
      // One value (the common case): a comparison, not a set lookup.
      if (rule.values.length === 1) {
        const only = rule.values[0];
        return new ValueTest(Kind.NotEqual, typeof only === 'number' ? snsNumber(only) : only);
      }
      return new ValueTest(
        Kind.NotIn,
        new Set(rule.values.map((v) => (typeof v === 'number' ? snsNumber(v) : v))),
      );
    case 'prefix':
      return new ValueTest(Kind.NotPrefix, strings);
    case 'suffix':
      return new ValueTest(Kind.NotSuffix, strings);
    case 'equals-ignore-case':
      return new ValueTest(
        Kind.NotRegex,
        strings.map((s) => new RegExp(`^${escapeRegex(s.toLowerCase())}$`)),
        true,
      );
    case 'wildcard':
      return new ValueTest(Kind.NotRegex, strings.map(wildcardRegex));
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** EventBridge wildcard: `*` matches any run of characters, `\*` a literal star. Anchored both ends. */
function wildcardRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && pattern[i + 1] === '*') {
      source += '\\*';
      i++;
    } else if (c === '*') source += '[\\s\\S]*';
    else source += escapeRegex(c);
  }
  return new RegExp(`^${source}$`);
}

/** The interval a numeric condition accepts, rounded to SNS precision. */
export function numericRange(terms: readonly (string | number)[]): NumericRange {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  let lowInc = false;
  let highInc = false;
  for (let i = 0; i < terms.length; i += 2) {
    const op = terms[i] as string;
    const n = snsNumber(terms[i + 1] as number);
    if (op === '=') [low, lowInc, high, highInc] = [n, true, n, true];
    else if (op === '>' || op === '>=') [low, lowInc] = [n, op === '>='];
    else [high, highInc] = [n, op === '<='];
  }
  return [low, lowInc, high, highInc];
}

function hintOf(rules: readonly ValueRule[], mode: 'body' | 'attributes'): Hint | undefined {
  const exact: string[] = [];
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const folded: string[] = [];
  const ranges: NumericRange[] = [];
  let exists = false;
  for (const r of rules) {
    if (r.op === 'exact' && !(r.value === null && mode === 'attributes'))
      exact.push(jsonKey(r.value) as string);
    else if (r.op === 'prefix' && !r.ignoreCase) prefixes.push(r.value);
    else if (r.op === 'suffix' && !r.ignoreCase) suffixes.push(r.value);
    else if (r.op === 'equals-ignore-case') folded.push(r.value.toLowerCase());
    else if (r.op === 'numeric') ranges.push(numericRange(r.terms));
    else if (r.op === 'exists' && r.value) exists = true;
    else return undefined;
  }
  const hint: { -readonly [K in keyof Hint]: Hint[K] } = {};
  if (exact.length > 0) hint.exact = exact;
  if (prefixes.length > 0) hint.prefixes = prefixes;
  if (suffixes.length > 0) hint.suffixes = suffixes;
  if (folded.length > 0) hint.folded = folded;
  if (ranges.length > 0) hint.ranges = ranges;
  if (exists) hint.exists = true;
  return hint;
}

/**
 * What a compiled key rule tests, as a string: the mode, the path and the rules, with numbers tagged
 * (so that `Infinity` and `null`, or `1` and `"1"`, stay apart).
 */
function conditionKey(rule: KeyRule, mode: 'body' | 'attributes'): string {
  const tag = (_: string, value: unknown): unknown =>
    typeof value === 'number' ? { n: String(value) } : value;
  return `json\u0000${mode}\u0000${JSON.stringify(rule.path)}\u0000${JSON.stringify(rule.rules, tag)}`;
}

function hasKeys(root: unknown): boolean {
  if (root === null || typeof root !== 'object') return false;
  for (const _ in root) return true;
  return false;
}
