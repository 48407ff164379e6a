import { PatternError } from '../errors.js';
import { isPlainObject } from '../event/validate.js';
import {
  type Branch,
  type CompiledPattern,
  type Condition,
  type Hint,
  makePattern,
  type NumericRange,
} from './core.js';
import { MISSING, pathResolver } from './resolve.js';
import { asInstant, asNumber, compareValues, dslKey, valuesEqual } from './values.js';

const OPERATOR = Symbol.for('sqs-mega.operator');

/** A DSL operator, made by {@link eq}, {@link gt}, {@link oneOf}, ... Test a value with `test`. */
export interface Operator {
  readonly [OPERATOR]: true;
  /** Human-readable form, e.g. `gt(5)`. */
  readonly description: string;
  /** True when the payload value matches. Never throws. */
  test(value: unknown): boolean;
  /** Index key when the operator is plain equality on a scalar. */
  readonly key?: string;
  /**
   * Index hint when the operator holds exactly for values a {@link MatcherSet} can look up: equality
   * on scalars (`eq`, `oneOf` of scalars) or a numeric interval (`gt`/`gte`/`lt`/`lte` of a number,
   * and `and` of those). Numeric strings count as their number.
   */
  readonly hint?: Hint;
}

/** A predicate function: any `(value) => boolean`. A predicate that throws counts as no match. */
export type PredicateFn = (value: unknown) => boolean;

/**
 * A DSL pattern: a plain value (equality), a list (same set, order ignored), a mapping (partial and
 * recursive: extra payload keys are ignored; a key the pattern names must exist), a RegExp, an
 * {@link Operator} or a predicate function.
 */
export type DslPattern =
  | string
  | number
  | boolean
  | null
  | Date
  | RegExp
  | Operator
  | PredicateFn
  | readonly DslPattern[]
  | { readonly [key: string]: DslPattern };

function operator(
  description: string,
  test: (value: unknown) => boolean,
  key?: string,
  hint?: Hint,
): Operator {
  const op: { -readonly [K in keyof Operator]: Operator[K] } = { [OPERATOR]: true, description, test };
  if (key !== undefined) op.key = key;
  const index = hint ?? (key === undefined ? undefined : { exact: [key] });
  if (index !== undefined) op.hint = index;
  return op;
}

/** The exact keys an item of `oneOf` stands for, or `undefined` when it is not plain equality. */
function exactKeys(item: DslPattern): readonly string[] | undefined {
  if (isOperator(item)) return item.hint && onlyExact(item.hint) ? item.hint.exact : undefined;
  if (item === null || typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
    const key = dslKey(item);
    return key === undefined ? undefined : [key];
  }
  return undefined;
}

function onlyExact(hint: Hint): boolean {
  return Object.keys(hint).length === 1 && hint.exact !== undefined;
}

function onlyRange(hint: Hint | undefined): NumericRange | undefined {
  if (hint === undefined || Object.keys(hint).length !== 1 || hint.ranges?.length !== 1) return undefined;
  return hint.ranges[0];
}

/** True for values made by the DSL functions. */
export function isOperator(value: unknown): value is Operator {
  return typeof value === 'object' && value !== null && (value as Operator)[OPERATOR] === true;
}

/** Equality: numbers and numeric strings compare as numbers, ISO timestamps as instants, lists and objects structurally. */
export function eq(expected: unknown): Operator {
  return operator(`eq(${show(expected)})`, equalsTest(expected), dslKey(expected));
}

/**
 * A string that only the identical string equals under {@link valuesEqual}: neither numeric (`'5'`
 * equals `5`) nor an instant (ISO strings compare as instants).
 */
function isPlainString(value: unknown): value is string {
  return typeof value === 'string' && asNumber(value) === undefined && asInstant(value) === undefined;
}

/** `(value) => valuesEqual(value, expected)`, as one comparison when `expected` is a plain string or a number. */
function equalsTest(expected: unknown): (value: unknown) => boolean {
  if (isPlainString(expected)) return (value) => value === expected;
  if (typeof expected === 'number') {
    // a number equals a number only by value; other values (numeric strings, ...) take the general rule
    return (value) => (typeof value === 'number' ? value === expected : valuesEqual(value, expected));
  }
  return (value) => valuesEqual(value, expected);
}

/** Not equal (alias of `not(eq(x))`). A missing key still does not match. */
export function neq(expected: unknown): Operator {
  return operator(`neq(${show(expected)})`, (value) => !valuesEqual(value, expected));
}

/**
 * Regular-expression match on strings. A string pattern is anchored at the start (like Python's
 * `re.match`); a RegExp is used as given. Non-strings do not match.
 */
export function matches(regex: string | RegExp | readonly DslPattern[]): Operator {
  if (Array.isArray(regex)) return within(regex as readonly DslPattern[]);
  if (typeof regex !== 'string' && !(regex instanceof RegExp)) {
    throw new PatternError('matches', regex, 'matches takes a regular expression, a string or a list');
  }
  let re: RegExp;
  try {
    re = typeof regex === 'string' ? new RegExp(`^(?:${regex})`) : regex;
  } catch (error) {
    throw new PatternError('matches', regex, `not a valid regular expression: ${(error as Error).message}`);
  }
  return operator(`matches(${re})`, (value) => {
    if (typeof value !== 'string') return false;
    re.lastIndex = 0;
    return re.test(value);
  });
}

/**
 * The seeds' list form of `match`: a list payload whose every item is one of `items`, or a scalar
 * payload that is one of them (items may be patterns).
 */
function within(items: readonly DslPattern[]): Operator {
  const tests = items.map((item, i) => compileValue(item, `matches[${i}]`));
  const member = (v: unknown) => tests.some((t) => t(v));
  return operator(`matches(${show(items)})`, (value) =>
    Array.isArray(value) ? value.every(member) : member(value),
  );
}

function comparison(name: string, bound: unknown, accept: (order: number) => boolean): Operator {
  // Against a number, only numbers and numeric strings compare (see compareValues): an interval
  // (finite bounds only: the segments index has no slot for an infinite endpoint).
  let hint: Hint | undefined;
  if (typeof bound === 'number' && Number.isFinite(bound)) {
    const inf = Number.POSITIVE_INFINITY;
    const range: NumericRange =
      name === 'gt'
        ? [bound, false, inf, false]
        : name === 'gte'
          ? [bound, true, inf, false]
          : name === 'lt'
            ? [-inf, false, bound, false]
            : [-inf, false, bound, true];
    hint = { ranges: [range] };
  }
  const general = (value: unknown): boolean => {
    const order = compareValues(value, bound);
    return order !== undefined && accept(order);
  };
  const range = hint?.ranges?.[0];
  return operator(`${name}(${show(bound)})`, range ? withinRange(range, general) : general, undefined, hint);
}

/**
 * `general`, answering a number by the interval `range` alone, which is what an operator whose hint
 * is that interval holds for (infinite ends unbounded: `lt(5)` holds for `-Infinity`).
 */
function withinRange(range: NumericRange, general: (value: unknown) => boolean): (value: unknown) => boolean {
  const [low, lowInc, high, highInc] = range;
  const noLow = low === Number.NEGATIVE_INFINITY;
  const noHigh = high === Number.POSITIVE_INFINITY;
  return (value) =>
    typeof value === 'number'
      ? (noLow || (lowInc ? value >= low : value > low)) &&
        (noHigh || (highInc ? value <= high : value < high))
      : general(value);
}

/** Greater than. Numeric strings compare as numbers, ISO timestamps as instants; mismatched types never match. */
export const gt = (bound: number | string | Date): Operator => comparison('gt', bound, (o) => o > 0);
/** Greater than or equal; see {@link gt}. */
export const gte = (bound: number | string | Date): Operator => comparison('gte', bound, (o) => o >= 0);
/** Less than; see {@link gt}. */
export const lt = (bound: number | string | Date): Operator => comparison('lt', bound, (o) => o < 0);
/** Less than or equal; see {@link gt}. */
export const lte = (bound: number | string | Date): Operator => comparison('lte', bound, (o) => o <= 0);

/** The value matches one of the items (items may be patterns). `in` is a JS keyword, hence the name. */
export function oneOf(...items: DslPattern[]): Operator {
  const tests = items.map((item, i) => compileValue(item, `oneOf[${i}]`));
  const keys = items.map(exactKeys);
  const hint =
    items.length > 0 && keys.every((k) => k !== undefined)
      ? { exact: [...new Set(keys.flat() as string[])] }
      : undefined;
  // Plain strings only (the common case): one comparison per item, no call.
  const plain = items.every(isPlainString) ? (items as string[]) : undefined;
  const test =
    plain === undefined
      ? (value: unknown) => tests.some((t) => t(value))
      : plain.length <= 8
        ? (value: unknown) => typeof value === 'string' && plain.includes(value)
        : (
            (set) => (value: unknown) =>
              typeof value === 'string' && set.has(value)
          )(new Set(plain));
  return operator(`oneOf(${items.map(show).join(', ')})`, test, undefined, hint);
}

/** Alias of {@link oneOf}. */
export const isIn = oneOf;

/** Negation of a pattern. A key missing from the payload still does not match. */
export function not(pattern: DslPattern): Operator {
  const test = compileValue(pattern, 'not');
  return operator(`not(${show(pattern)})`, (value) => !test(value));
}

/** Every pattern matches the value. */
export function and(...patterns: DslPattern[]): Operator {
  const tests = patterns.map((p, i) => compileValue(p, `and[${i}]`));
  // An AND of intervals is their intersection.
  const ranges = patterns.map((p) => (isOperator(p) ? onlyRange(p.hint) : undefined));
  let hint: Hint | undefined;
  if (ranges.length > 0 && ranges.every((r) => r !== undefined)) {
    let [low, lowInc, high, highInc] = ranges[0] as NumericRange;
    for (const [l, li, h, hi] of ranges.slice(1) as NumericRange[]) {
      if (l > low || (l === low && !li)) [low, lowInc] = [l, li];
      if (h < high || (h === high && !hi)) [high, highInc] = [h, hi];
    }
    // An empty intersection holds for nothing: no hint, so the set evaluates it (and finds nothing).
    if (low < high || (low === high && lowInc && highInc)) hint = { ranges: [[low, lowInc, high, highInc]] };
  }
  const every = (value: unknown): boolean => tests.every((t) => t(value));
  const range = hint?.ranges?.[0];
  return operator(
    `and(${patterns.map(show).join(', ')})`,
    range ? withinRange(range, every) : every,
    undefined,
    hint,
  );
}

/** At least one pattern matches the value. */
export function or(...patterns: DslPattern[]): Operator {
  const tests = patterns.map((p, i) => compileValue(p, `or[${i}]`));
  return operator(`or(${patterns.map(show).join(', ')})`, (value) => tests.some((t) => t(value)));
}

/**
 * Subset / membership: the payload is a list containing every item (items may be patterns), e.g.
 * `includes('red')` matches `['red', 'blue']`. A payload that is not a list does not match.
 */
export function includes(...items: DslPattern[]): Operator {
  const tests = items.map((item, i) => compileValue(item, `includes[${i}]`));
  return operator(
    `includes(${items.map(show).join(', ')})`,
    (value) => Array.isArray(value) && tests.every((t) => value.some((v) => t(v))),
  );
}

/** Any predicate, named for readability: `where((v) => typeof v === 'string' && v.length > 3)`. */
export function where(predicate: PredicateFn, description = 'where(fn)'): Operator {
  return operator(description, (value) => {
    try {
      return predicate(value) === true;
    } catch {
      return false;
    }
  });
}

/** Compiles a DSL pattern to a value test (no paths): used inside operators and for leaves. */
export function compileValue(pattern: DslPattern, at = ''): (value: unknown) => boolean {
  if (isOperator(pattern)) return (value) => pattern.test(value);
  if (typeof pattern === 'function') return where(pattern as PredicateFn).test;
  if (pattern instanceof RegExp) return matches(pattern).test;
  if (Array.isArray(pattern)) {
    const tests = pattern.map((item, i) => compileValue(item, `${at}[${i}]`));
    return (value) =>
      Array.isArray(value) &&
      value.every((v) => tests.some((t) => t(v))) &&
      tests.every((t) => value.some((v) => t(v)));
  }
  if (isPlainObject(pattern)) {
    const entries = Object.entries(pattern).map(
      ([key, sub]) => [key, compileValue(sub as DslPattern, at ? `${at}.${key}` : key)] as const,
    );
    return (value) => {
      if (!isPlainObject(value)) return false;
      for (const [key, test] of entries) {
        const member = value[key];
        if (member === undefined || !test(member)) return false;
      }
      return true;
    };
  }
  if (pattern === undefined) throw new PatternError(at, pattern, 'a pattern cannot be undefined');
  if (typeof pattern === 'object' && pattern !== null && !(pattern instanceof Date)) {
    throw new PatternError(at, pattern, 'use a plain object, a list, a scalar or a DSL operator');
  }
  return eq(pattern).test;
}

/**
 * Compiles a DSL pattern for payload objects (MEGA events or data objects). A mapping pattern becomes
 * one condition per leaf path, so a {@link MatcherSet} can index its plain values.
 * @throws {@link PatternError} for values that are not patterns (e.g. `undefined`, class instances).
 * @example
 * ```ts
 * const p = compilePattern({ event: { name: 'order.placed', attributes: { total: gt(100) } } });
 * p.matches(event); // boolean
 * ```
 */
export function compilePattern(pattern: DslPattern): CompiledPattern {
  const conditions: Condition[] = [];
  if (isPlainObject(pattern) && !isOperator(pattern)) {
    conditions.push({ path: [], test: isPlainObject, key: 'dsl\u0000plain object' });
    collectConditions(pattern as Record<string, DslPattern>, [], conditions);
  } else {
    const test = compileValue(pattern);
    conditions.push({ path: [], test });
  }
  const branch: Branch = { conditions };
  return makePattern('dsl', 'dsl', [branch], identity);
}

function collectConditions(pattern: Record<string, DslPattern>, path: string[], out: Condition[]): void {
  for (const [key, sub] of Object.entries(pattern)) {
    const at = [...path, key];
    if (isPlainObject(sub) && !isOperator(sub) && Object.keys(sub).length > 0) {
      collectConditions(sub as Record<string, DslPattern>, at, out);
      continue;
    }
    const test = compileValue(sub, at.join('.'));
    const scalarKey = isScalar(sub) ? dslKey(sub) : undefined;
    const hint = isOperator(sub) ? sub.hint : scalarKey === undefined ? undefined : { exact: [scalarKey] };
    const resolve = pathResolver(at, false);
    const check = (value: unknown): boolean => value !== MISSING && test(value);
    const condition: Condition = { path: at, test: (root) => check(resolve(root)), resolve, check };
    if (hint === undefined) {
      out.push(condition);
      continue;
    }
    // A hint says exactly what its condition tests: equal hints on one path are interchangeable
    // conditions (evaluated once per payload). Numbers tagged as strings, so Infinity stays apart.
    const tagged = JSON.stringify(hint, (_, v) => (typeof v === 'number' ? String(v) : v));
    const interned = `dsl\u0000${JSON.stringify(at)}\u0000${tagged}`;
    out.push({ ...condition, hint, key: interned });
  }
}

function isScalar(value: unknown): boolean {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function identity(payload: unknown): unknown {
  return payload;
}

function show(value: unknown): string {
  if (isOperator(value)) return value.description;
  if (typeof value === 'function') return 'fn';
  if (value instanceof RegExp) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // BigInt members, cycles, objects without a prototype (no toString): a description never throws
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}
