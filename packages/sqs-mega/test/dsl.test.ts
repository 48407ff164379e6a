import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  and,
  compilePattern,
  createMegaEvent,
  type DslPattern,
  eq,
  gt,
  gte,
  includes,
  isIn,
  lt,
  lte,
  matches,
  neq,
  not,
  oneOf,
  or,
  PatternError,
  where,
} from '../src/index.js';

const yes = (pattern: DslPattern, payload: unknown) =>
  assert.equal(compilePattern(pattern).matches(payload), true, `${JSON.stringify(payload)} should match`);
const no = (pattern: DslPattern, payload: unknown) =>
  assert.equal(
    compilePattern(pattern).matches(payload),
    false,
    `${JSON.stringify(payload)} should not match`,
  );

describe('DSL: plain values mean equality', () => {
  it('matches equal scalars, and numeric strings equal to numbers', () => {
    yes('a', 'a');
    no('a', 'b');
    yes(5, 5);
    yes(5, '5');
    yes('5.0', 5);
    yes(true, true);
    no(true, 'true');
    yes(null, null);
    no(null, undefined);
  });

  it('eq and neq are explicit forms', () => {
    yes(eq(5), '5');
    yes(neq(5), 6);
    no(neq(5), '5');
  });

  it('ISO timestamps are equal when they denote the same instant', () => {
    yes(eq('2020-05-04T15:53:27.823Z'), '2020-05-04T15:53:27.823');
    yes(eq(new Date('2020-05-04T17:53:27.823+02:00')), '2020-05-04T15:53:27.823Z');
  });
});

describe('DSL: comparisons', () => {
  it('gt/gte/lt/lte compare numbers, numeric strings as numbers', () => {
    yes(gt(3), '5');
    no(gt(5), 5);
    yes(gte(5), 5);
    yes(lt(10), 9.99);
    yes(lte('10'), 10);
    no(gt(3), '10abc');
  });

  it('ISO timestamps compare as instants, across zones', () => {
    yes(gt('2020-01-01'), '2020-05-04T15:53:27.823');
    yes(lt('2020-05-04T16:00:00+00:00'), '2020-05-04T17:59:00+02:00');
    yes(gte(new Date('2020-05-04T15:53:27.823Z')), '2020-05-04T15:53:27.823');
  });

  it('type mismatches never throw, they do not match', () => {
    for (const value of [null, true, {}, [], 'abc', undefined]) no(gt(3), value);
    no(lt('2020-01-01'), 5e20);
  });
});

describe('DSL: regex, membership, logic, predicates', () => {
  it('matches() anchors string patterns at the start; RegExp objects as given', () => {
    yes(matches('user\\.'), 'user.created');
    no(matches('created'), 'user.created');
    yes(matches(/created$/), 'user.created');
    yes(/^u/, 'user');
    no(matches('x'), 5);
  });

  it('oneOf / isIn: membership, items may be patterns', () => {
    yes(oneOf('a', 'b'), 'b');
    no(oneOf('a', 'b'), 'c');
    yes(isIn(1, gt(100)), 150);
    yes(oneOf(1, 2), '2');
  });

  it('not, and, or nest', () => {
    const quantity = and(gt(5), not(gt(10)));
    yes(quantity, 7);
    no(quantity, 11);
    no(quantity, 5);
    yes(or(eq('a'), gt(100)), 101);
    no(or(eq('a'), gt(100)), 'b');
  });

  it('any predicate function, bare or through where(); a throwing predicate does not match', () => {
    yes((v: unknown) => typeof v === 'string' && v.length > 3, 'abcd');
    yes(
      where((v) => Array.isArray(v) && v.length === 2),
      [1, 2],
    );
    no(() => {
      throw new Error('boom');
    }, 1);
  });
});

describe('DSL: mappings', () => {
  const event = createMegaEvent({
    name: 'user.updated',
    timestamp: '2020-05-04T15:53:27.823Z',
    domain: 'user',
    attributes: { quantity: '7', nested: { deep: 1 } },
    object: { type: 'user', current: { email: 'x@example.com' } },
  });

  it('are partial and recursive: extra payload keys are ignored', () => {
    yes({ event: { name: 'user.updated', attributes: { quantity: gt(5), nested: { deep: 1 } } } }, event);
    yes({ object: { type: 'user', current: { email: matches('.*@example') } } }, event);
  });

  it('a key named by the pattern but missing from the payload does not match, even under not()', () => {
    no({ event: { subject: 'x' } }, event);
    no({ event: { subject: not('x') } }, event);
    no({ event: { attributes: { missing: neq(1) } } }, event);
  });

  it('an empty mapping matches any object, but not a scalar', () => {
    yes({}, event);
    no({}, 'text');
  });

  it('a mapping against a non-object value does not match', () => {
    no({ event: { name: { first: 'x' } } }, event);
  });
});

describe('DSL: lists', () => {
  it('a list pattern means the same set, order and duplicates ignored', () => {
    yes(['a', 'b'], ['b', 'a']);
    yes(['a', 'b'], ['b', 'a', 'a']);
    no(['a', 'b'], ['a']);
    no(['a', 'b'], ['a', 'b', 'c']);
    no(['a'], 'a');
    yes([gt(1), 'x'], ['x', 5]);
  });

  it('includes() means subset of a list, or membership of one item', () => {
    yes(includes('a', 'c'), ['a', 'b', 'c']);
    no(includes('a', 'd'), ['a', 'b', 'c']);
    yes(includes(gt(2)), [1, 3]);
    no(includes('a'), 'a');
  });
});

describe('DSL: compilation', () => {
  it('rejects values that are not patterns, naming the path', () => {
    assert.throws(
      () => compilePattern({ event: { name: undefined as unknown as string } }),
      (e: unknown) => e instanceof PatternError && e.path === 'event.name',
    );
    assert.throws(() => compilePattern({ a: new Map() as unknown as string }), PatternError);
  });

  it('is compiled once and evaluated many times', () => {
    const p = compilePattern({ n: gt(0) });
    assert.equal([1, -1, 2].filter((n) => p.matches({ n })).length, 2);
  });
});
