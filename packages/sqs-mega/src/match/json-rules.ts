import { FilterPolicyError } from '../errors.js';
import { isPlainObject } from '../event/validate.js';

/** Which JSON-pattern language: `sns` (SNS filter policies, with SNS's limits) or `eventbridge` (a superset). */
export type Dialect = 'sns' | 'eventbridge';

/** SNS filter policy scope. `MessageAttributes` (default) is flat; `MessageBody` allows nesting. */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** One match condition inside a key's array, validated. */
export type ValueRule =
  | { op: 'exact'; value: string | number | boolean | null }
  | { op: 'prefix' | 'suffix'; value: string; ignoreCase: boolean }
  | { op: 'equals-ignore-case' | 'wildcard'; value: string }
  | {
      op: 'anything-but';
      kind: 'values' | 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard';
      values: unknown[];
    }
  | { op: 'numeric'; terms: (string | number)[] }
  | { op: 'exists'; value: boolean }
  | { op: 'cidr'; value: string };

/** A key of the policy (its path) with its OR'd conditions. */
export interface KeyRule {
  path: string[];
  rules: ValueRule[];
}

/** SNS limits, from the SNS developer guide. */
export const SNS_LIMITS = {
  /** Top-level keys of a policy. */
  keys: 5,
  /** Value combinations (product of array lengths, weighted by depth; `$or` branches add up). */
  combinations: 150,
  /** Policy size in bytes (UTF-8). */
  bytes: 256 * 1024,
  /** Numeric operands lie within ±1e9. */
  number: 1e9,
} as const;

const NUMERIC_OPS = new Set(['<', '<=', '=', '>', '>=']);

interface Walk {
  dialect: Dialect;
  scope: FilterPolicyScope;
}

/**
 * Validates a policy's structure and conditions and expands `$or` into branches (an OR of ANDs of
 * key rules). Errors carry SNS's own messages, checked in SNS's order: key count, structure,
 * complexity, then each condition.
 */
export function parsePolicy(policy: unknown, dialect: Dialect, scope: FilterPolicyScope): KeyRule[][] {
  if (!isPlainObject(policy)) throw new FilterPolicyError('Filter policy must be a JSON object');
  const walk: Walk = { dialect, scope };
  if (dialect === 'sns' && Object.keys(policy).length > SNS_LIMITS.keys) {
    throw new FilterPolicyError('Filter policy can not have more than 5 keys');
  }
  const { branches, combinations } = walkObject(policy, [], 1, walk);
  if (dialect === 'sns' && combinations > SNS_LIMITS.combinations) {
    throw new FilterPolicyError('Filter policy is too complex');
  }
  return branches.map((branch) =>
    branch.map(([path, raw]) => ({ path, rules: raw.map((r) => parseRule(r, walk)) })),
  );
}

type RawBranch = [string[], unknown[]][];

/**
 * The path steps a policy key stands for. In scope `MessageBody` a dotted key addresses nested
 * objects, as on SNS: `"a.b"` is the path `a`, `b` (which the resolver also finds written at mixed
 * depth in the payload, `{"a.b": ...}` or `{"a": {"b": ...}}`). A key with an empty segment, and every
 * key in scope `MessageAttributes` (flat attribute names), is one step as written.
 */
function segmentsOf(key: string, walk: Walk): string[] {
  if (walk.scope !== 'MessageBody' || !key.includes('.')) return [key];
  const parts = key.split('.');
  return parts.includes('') ? [key] : parts;
}

function walkObject(
  object: Record<string, unknown>,
  path: string[],
  depth: number,
  walk: Walk,
): { branches: RawBranch[]; combinations: number } {
  let branches: RawBranch[] = [[]];
  let combinations = 1;
  const keys = Object.keys(object);
  if (keys.length === 0 && depth > 1) throw new FilterPolicyError('Empty objects are not allowed');
  for (const key of keys) {
    const value = object[key];
    if (key === '$or') {
      if (!Array.isArray(value)) throw new FilterPolicyError('It must be an Array followed with $or.');
      if (value.length === 0) throw new FilterPolicyError('Empty arrays are not allowed');
      const alternatives: RawBranch[] = [];
      let sum = 0;
      for (const item of value) {
        if (!isPlainObject(item))
          throw new FilterPolicyError('Only JSON object is allowed in array of $or relationship.');
        const inner = walkObject(item, path, depth, walk);
        if (Object.keys(item).length === 0) throw new FilterPolicyError('Empty objects are not allowed');
        alternatives.push(...inner.branches);
        sum += combinations * inner.combinations;
      }
      if (value.length < 2)
        throw new FilterPolicyError('There must have at least 2 Objects in $or relationship.');
      combinations = sum;
      branches = branches.flatMap((b) => alternatives.map((alt) => [...b, ...alt]));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new FilterPolicyError('Empty arrays are not allowed');
      combinations *= value.length * depth;
      const leaf: [string[], unknown[]] = [[...path, ...segmentsOf(key, walk)], value];
      for (const b of branches) b.push(leaf);
    } else if (isPlainObject(value)) {
      const inner = walkObject(value, [...path, ...segmentsOf(key, walk)], depth + 1, walk);
      combinations *= inner.combinations;
      branches = branches.flatMap((b) => inner.branches.map((alt) => [...b, ...alt]));
    } else {
      throw new FilterPolicyError(`"${key}" must be an object or an array`);
    }
  }
  if (walk.scope === 'MessageAttributes' && depth > 1) {
    throw new FilterPolicyError(
      'Filter policy scope MessageAttributes does not support nested filter policy',
      'FilterPolicyScope',
    );
  }
  return { branches, combinations };
}

function parseRule(raw: unknown, walk: Walk): ValueRule {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return { op: 'exact', value: raw };
  if (typeof raw === 'number') return { op: 'exact', value: raw };
  if (!isPlainObject(raw))
    throw new FilterPolicyError('Match value must be String, number, true, false, or null');
  const keys = Object.keys(raw);
  if (keys.length === 0) throw new FilterPolicyError('Match expression name not found');
  if (keys.length > 1) throw new FilterPolicyError('Only one key allowed in match expression');
  const op = keys[0] as string;
  const value = raw[op];
  const eventbridge = walk.dialect === 'eventbridge';
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (eventbridge && isPlainObject(value) && typeof value['equals-ignore-case'] === 'string') {
        return { op, value: value['equals-ignore-case'], ignoreCase: true };
      }
      return { op, value: requireString(op, value), ignoreCase: false };
    }
    case 'equals-ignore-case':
      return { op, value: requireString(op, value) };
    case 'exists':
      if (typeof value !== 'boolean')
        throw new FilterPolicyError('exists match pattern must be either true or false.');
      return { op, value };
    case 'numeric':
      return { op, terms: parseNumeric(value, walk) };
    case 'cidr':
      return { op, value: requireString('prefix', value) };
    case 'anything-but':
      return parseAnythingBut(value, walk);
    case 'wildcard':
    case 'exact':
      if (eventbridge) {
        const text = requireString(op, value);
        return op === 'exact' ? { op: 'exact', value: text } : { op, value: text };
      }
      break;
  }
  throw new FilterPolicyError(`Unrecognized match type ${op}`);
}

function requireString(op: string, value: unknown): string {
  if (typeof value !== 'string') throw new FilterPolicyError(`${op} match pattern must be a string`);
  return value;
}

function parseAnythingBut(value: unknown, walk: Walk): ValueRule {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const inner = keys[0];
    if (inner === undefined) throw new FilterPolicyError('Anything-But expression name not found');
    const allowed =
      walk.dialect === 'sns' ? ['prefix'] : ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];
    if (!allowed.includes(inner)) throw new FilterPolicyError(`Unsupported anything-but pattern: ${inner}`);
    if (keys.length > 1) throw new FilterPolicyError('Only one key allowed in match expression');
    const operand = value[inner];
    const values = Array.isArray(operand) && walk.dialect === 'eventbridge' ? operand : [operand];
    for (const v of values) requireString(inner, v);
    return { op: 'anything-but', kind: inner as 'prefix', values };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new FilterPolicyError('Empty arrays are not allowed');
    for (const v of value) {
      if (typeof v !== 'string' && typeof v !== 'number') {
        throw new FilterPolicyError('Inside anything but list, start|null|boolean is not supported.');
      }
    }
    return { op: 'anything-but', kind: 'values', values: value };
  }
  if (typeof value === 'string' || typeof value === 'number')
    return { op: 'anything-but', kind: 'values', values: [value] };
  throw new FilterPolicyError('Value of anything-but must be an array or single string/number value.');
}

function parseNumeric(value: unknown, walk: Walk): (string | number)[] {
  if (!Array.isArray(value)) throw new FilterPolicyError('Value of numeric must be an array.');
  if (value.length === 0) throw new FilterPolicyError('Invalid member in numeric match: ]');
  const [op1, v1, op2, v2] = value as unknown[];
  if (typeof op1 !== 'string')
    throw new FilterPolicyError(`Invalid member in numeric match: ${JSON.stringify(op1)}`);
  if (!NUMERIC_OPS.has(op1)) throw new FilterPolicyError(`Unrecognized numeric range operator: ${op1}`);
  checkOperand(op1 === '=' ? 'equals' : op1, v1, walk);
  if (value.length === 2) return [op1, v1 as number];
  if (op1 !== '>' && op1 !== '>=') throw new FilterPolicyError('Too many elements in numeric expression');
  if (typeof op2 !== 'string')
    throw new FilterPolicyError(`Bad value in numeric range: ${JSON.stringify(op2)}`);
  if (op2 !== '<' && op2 !== '<=') throw new FilterPolicyError(`Bad numeric range operator: ${op2}`);
  checkOperand(op2, v2, walk);
  if ((v2 as number) <= (v1 as number)) throw new FilterPolicyError('Bottom must be less than top');
  if (value.length > 4) throw new FilterPolicyError('Too many terms in numeric range expression');
  return [op1, v1 as number, op2, v2 as number];
}

function checkOperand(name: string, operand: unknown, walk: Walk): void {
  if (typeof operand !== 'number') throw new FilterPolicyError(`Value of ${name} must be numeric`);
  if (walk.dialect === 'sns' && Math.abs(operand) > SNS_LIMITS.number) {
    throw new FilterPolicyError(`Value of ${name} must be between -1.0E9 and 1.0E9`);
  }
}
