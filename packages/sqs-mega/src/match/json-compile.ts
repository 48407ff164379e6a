import { attributeValues } from './attributes.js';
import { compileCidr } from './cidr.js';
import type { Condition, Hint, NumericRange, PayloadMode } from './core.js';
import type { KeyRule, ValueRule } from './json-rules.js';
import { Many, MISSING, resolveLeaves } from './resolve.js';
import { jsonKey, snsNumber } from './values.js';

type Test = (value: unknown) => boolean;

/** Prepares a payload for JSON-pattern conditions: attribute maps become plain values. */
export function prepareFor(mode: PayloadMode): (payload: unknown) => unknown {
  return mode === 'attributes' ? attributeValues : (payload) => payload;
}

/** Compiles one key rule (a path and its OR'd conditions) to a {@link Condition}. */
export function compileKeyRule(rule: KeyRule, mode: 'body' | 'attributes'): Condition {
  const path = rule.path;
  const tests: Test[] = [];
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
  const any: Test = tests.length === 1 ? (tests[0] as Test) : (v) => tests.some((t) => t(v));
  const test = (root: unknown): boolean => {
    const found = resolveLeaves(root, path);
    if (found === MISSING) {
      if (nullMatchesMissing) return true;
      // SNS: `exists: false` only matches a message that has at least one attribute.
      return existsFalse && (mode !== 'attributes' || hasKeys(root));
    }
    if (existsTrue) return true;
    if (found instanceof Many) {
      for (const v of found.values) if (any(v)) return true;
      return false;
    }
    return any(found);
  };
  const hint = hintOf(rule.rules, mode);
  return hint === undefined ? { path, test } : { path, test, hint };
}

function compileValueRule(rule: Exclude<ValueRule, { op: 'exists' }>): Test {
  switch (rule.op) {
    case 'exact': {
      const expected = rule.value;
      if (typeof expected === 'number') {
        const n = snsNumber(expected);
        return (v) => typeof v === 'number' && snsNumber(v) === n;
      }
      return (v) => v === expected;
    }
    case 'prefix':
      return stringTest(rule.value, rule.ignoreCase, (v, p) => v.startsWith(p));
    case 'suffix':
      return stringTest(rule.value, rule.ignoreCase, (v, s) => v.endsWith(s));
    case 'equals-ignore-case':
      return stringTest(rule.value, true, (v, e) => v === e);
    case 'wildcard': {
      const re = wildcardRegex(rule.value);
      return (v) => typeof v === 'string' && re.test(v);
    }
    case 'numeric': {
      const [low, lowInc, high, highInc] = numericRange(rule.terms);
      return (v) => {
        if (typeof v !== 'number') return false;
        const n = snsNumber(v);
        return (lowInc ? n >= low : n > low) && (highInc ? n <= high : n < high);
      };
    }
    case 'cidr':
      return compileCidr(rule.value);
    case 'anything-but':
      return anythingBut(rule);
  }
}

function anythingBut(rule: Extract<ValueRule, { op: 'anything-but' }>): Test {
  const strings = rule.values.filter((v): v is string => typeof v === 'string');
  switch (rule.kind) {
    case 'values': {
      const excluded = new Set(rule.values.map((v) => (typeof v === 'number' ? snsNumber(v) : v)));
      return (v) => !excluded.has(typeof v === 'number' ? snsNumber(v) : v);
    }
    case 'prefix':
      return (v) => typeof v === 'string' && !strings.some((p) => v.startsWith(p));
    case 'suffix':
      return (v) => typeof v === 'string' && !strings.some((s) => v.endsWith(s));
    case 'equals-ignore-case': {
      const lower = new Set(strings.map((s) => s.toLowerCase()));
      return (v) => typeof v === 'string' && !lower.has(v.toLowerCase());
    }
    case 'wildcard': {
      const res = strings.map(wildcardRegex);
      return (v) => typeof v === 'string' && !res.some((re) => re.test(v));
    }
  }
}

function stringTest(
  operand: string,
  ignoreCase: boolean,
  check: (value: string, operand: string) => boolean,
): Test {
  if (!ignoreCase) return (v) => typeof v === 'string' && check(v, operand);
  const lower = operand.toLowerCase();
  return (v) => typeof v === 'string' && check(v.toLowerCase(), lower);
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
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
  const ranges: NumericRange[] = [];
  let exists = false;
  for (const r of rules) {
    if (r.op === 'exact' && !(r.value === null && mode === 'attributes'))
      exact.push(jsonKey(r.value) as string);
    else if (r.op === 'prefix' && !r.ignoreCase) prefixes.push(r.value);
    else if (r.op === 'numeric') ranges.push(numericRange(r.terms));
    else if (r.op === 'exists' && r.value) exists = true;
    else return undefined;
  }
  const hint: { -readonly [K in keyof Hint]: Hint[K] } = {};
  if (exact.length > 0) hint.exact = exact;
  if (prefixes.length > 0) hint.prefixes = prefixes;
  if (ranges.length > 0) hint.ranges = ranges;
  if (exists) hint.exists = true;
  return hint;
}

function hasKeys(root: unknown): boolean {
  if (root === null || typeof root !== 'object') return false;
  for (const _ in root) return true;
  return false;
}
