// The flat layout of MatcherSet: interned conditions evaluated once per payload, per-payload state
// stamped with an epoch (never carried over to the next payload), runs of ids grouped by shared
// conditions, deduplication for fanned-out values and multi-branch patterns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  and,
  type CompiledPattern,
  type Condition,
  compileJsonPattern,
  compilePattern,
  eq,
  gte,
  lt,
  MatcherSet,
  oneOf,
} from '../src/index.js';

const body = (policy: object) => compileJsonPattern(policy, { scope: 'MessageBody' });
const sorted = <T>(values: T[]) => [...values].sort();

/** The set's private state (its one tier, once matched), for the tests that reach into it. */
interface Internals {
  tiers: { matcher: { epoch: number; layout: { conditions: Condition[] } } }[];
}
const internals = (set: MatcherSet<string>) => {
  const tiers = (set as unknown as Internals).tiers;
  assert.equal(tiers.length, 1);
  const matcher = (tiers[0] as Internals['tiers'][number]).matcher;
  return {
    get epoch() {
      return matcher.epoch;
    },
    set epoch(value: number) {
      matcher.epoch = value;
    },
    conditions: matcher.layout.conditions,
  };
};

describe('MatcherSet layout', () => {
  it('does not carry condition results or path values over to the next payload', () => {
    const set = new MatcherSet<string>();
    set.add('not-eu', body({ kind: ['a'], region: [{ 'anything-but': ['eu'] }] }));
    set.add('coupon', body({ kind: ['a'], coupon: [{ exists: true }] }));
    set.add('both', body({ kind: ['a'], region: [{ 'anything-but': ['eu'] }], coupon: [{ exists: true }] }));
    assert.deepEqual(sorted(set.match({ kind: 'a', region: 'us', coupon: 'X' })), [
      'both',
      'coupon',
      'not-eu',
    ]);
    assert.deepEqual(set.match({ kind: 'a', region: 'eu' }), []);
    assert.deepEqual(set.match({ kind: 'a', region: 'us' }), ['not-eu']);
    assert.deepEqual(sorted(set.match({ kind: 'a', coupon: 'Y' })), ['coupon']);
    assert.deepEqual(set.match({ kind: 'b', region: 'us', coupon: 'X' }), []);
  });

  it('starts the epochs over when they wrap, without stale results', () => {
    const set = new MatcherSet<string>();
    set.add('x', body({ kind: ['a'], region: [{ 'anything-but': ['eu'] }] }));
    set.add('y', body({ $or: [{ kind: ['a'] }, { other: ['a'] }], region: ['us'] }));
    assert.deepEqual(sorted(set.match({ kind: 'a', region: 'us' })), ['x', 'y']);
    internals(set).epoch = 0xffffffff - 2;
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(sorted(set.match({ kind: 'a', region: 'us', other: 'a' })), ['x', 'y']);
      assert.deepEqual(set.match({ kind: 'a', region: 'eu', other: 'a' }), []);
    }
    assert.ok(internals(set).epoch < 100);
  });

  it('interns equal conditions of different patterns, and keeps 1 apart from "1"', () => {
    const set = new MatcherSet<string>();
    for (let i = 0; i < 50; i++)
      set.add(`s${i}`, body({ kind: [`k${i % 5}`], region: [{ 'anything-but': ['eu'] }] }));
    set.add('one', body({ kind: ['k0'], n: [1] }));
    set.add('one-string', body({ kind: ['k0'], n: ['1'] }));
    assert.equal(set.match({ kind: 'k0', region: 'us', n: 1 }).length, 11);
    assert.deepEqual(sorted(set.match({ kind: 'k0', region: 'eu', n: '1' })), ['one-string']);
    // 5 kinds, one shared anything-but, and two conditions on n.
    assert.equal(internals(set).conditions.length, 8);
  });

  it('forgets deleted patterns and takes replacements', () => {
    const set = new MatcherSet<string>();
    set.add('a', body({ kind: ['a'], region: [{ 'anything-but': ['eu'] }] }));
    set.add('b', body({ kind: ['a'], region: [{ 'anything-but': ['eu'] }] }));
    set.add('c', body({ kind: ['a'] }));
    assert.deepEqual(sorted(set.match({ kind: 'a', region: 'us' })), ['a', 'b', 'c']);
    assert.equal(set.delete('b'), true);
    assert.deepEqual(sorted(set.match({ kind: 'a', region: 'us' })), ['a', 'c']);
    set.add('c', body({ kind: ['z'] }));
    assert.deepEqual(set.match({ kind: 'a', region: 'us' }), ['a']);
    set.delete('a');
    set.delete('c');
    assert.deepEqual(set.match({ kind: 'a', region: 'us' }), []);
    assert.equal(set.size, 0);
  });

  it('reports a pattern once when its conditions repeat or several anchors and branches hit', () => {
    const set = new MatcherSet<string>();
    const twice: CompiledPattern = {
      ...body({ kind: ['a'], region: ['us'] }),
      branches: [
        {
          conditions: [
            ...body({ kind: ['a'], region: ['us'] }).branches[0]!.conditions,
            ...body({ region: ['us'] }).branches[0]!.conditions,
          ],
        },
      ],
    };
    set.add('twice', twice);
    set.add('or', body({ $or: [{ kind: ['a'] }, { region: ['us'] }, { region: [{ prefix: 'u' }] }] }));
    set.add('items', body({ kind: ['a', { prefix: 'a' }, 'b'] }));
    set.add('dsl', compilePattern({ kind: 'a', region: 'us' }));
    assert.deepEqual(sorted(set.match({ kind: 'a', region: 'us' })), ['dsl', 'items', 'or', 'twice']);
    // Arrays fan out: several values reach the same entries.
    assert.deepEqual(sorted(set.match({ kind: ['a', 'ab', 'b'], region: ['us', 'uk'] })), [
      'items',
      'or',
      'twice',
    ]);
    assert.deepEqual(set.match({ kind: 'c', region: 'eu' }), []);
  });

  it('evaluates unanchored patterns for every payload, grouped by their conditions', () => {
    const set = new MatcherSet<string>();
    for (let i = 0; i < 20; i++)
      set.add(`not-${i % 4}`.concat(`-${i}`), body({ region: [{ 'anything-but': [`r${i % 4}`] }] }));
    set.add('absent', body({ region: [{ exists: false }] }));
    assert.equal(set.match({ region: 'r0' }).length, 15);
    assert.equal(set.match({ region: 'r9' }).length, 20);
    assert.deepEqual(set.match({ other: 1 }), ['absent']);
  });

  it("checks anything-but of one string and exists inline with the conditions' own semantics", () => {
    const policies = {
      differs: { kind: ['a'], region: [{ 'anything-but': ['eu'] }] },
      differsNumber: { kind: ['a'], region: [{ 'anything-but': [5] }] },
      exists: { kind: ['a'], region: [{ exists: true }] },
      existsOrValue: { kind: ['a'], region: [{ exists: true }, 'eu'] },
    };
    const set = new MatcherSet<string>();
    const patterns = Object.entries(policies).map(([id, policy]) => [id, body(policy)] as const);
    for (const [id, pattern] of patterns) set.add(id, pattern);
    const payloads = [
      { kind: 'a', region: 'eu' },
      { kind: 'a', region: 'us' },
      { kind: 'a', region: ['eu'] },
      { kind: 'a', region: ['eu', 'us'] },
      { kind: 'a', region: [] },
      { kind: 'a', region: 5 },
      { kind: 'a', region: '5' },
      { kind: 'a', region: null },
      { kind: 'a', region: true },
      { kind: 'a', region: { nested: 'x' } },
      { kind: 'a' },
    ];
    for (const payload of payloads) {
      const expected = patterns.filter(([, p]) => p.matches(payload)).map(([id]) => id);
      assert.deepEqual(sorted(set.match(payload)), sorted(expected), JSON.stringify(payload));
    }
  });

  it('returns a fresh array each call', () => {
    const set = new MatcherSet<string>();
    set.add('a', body({ kind: ['a'] }));
    const first = set.match({ kind: 'a' });
    first.push('mutated');
    assert.deepEqual(set.match({ kind: 'a' }), ['a']);
    assert.deepEqual(first, ['a', 'mutated']);
  });
});

describe('MatcherSet inline checks', () => {
  // The conditions the set checks inline for a string value (exact strings, plain DSL strings, eq,
  // oneOf, anything-but of a few values) must answer every other value as the condition does. Each
  // pattern below is anchored on `id` (unique), so the inline check is on `kind`.
  const values: unknown[] = [
    'a',
    'b',
    'c',
    'A',
    '5',
    5,
    5.0,
    '2024-01-01T00:00:00Z',
    null,
    true,
    ['a'],
    ['x', 'a'],
    { a: 1 },
  ];
  const dsl = [
    compilePattern({ id: 'x', kind: 'a' }),
    compilePattern({ id: 'x', kind: oneOf('a', 'b') }),
    compilePattern({ id: 'x', kind: eq('5') }),
    compilePattern({ id: 'x', kind: oneOf('2024-01-01T00:00:00.000Z', 'c') }),
    compilePattern({ id: 'x', kind: and(gte(1), lt(6)) }),
  ];
  const json = [
    body({ id: ['x'], kind: ['a'] }),
    body({ id: ['x'], kind: ['a', 'b', 5] }),
    body({ id: ['x'], kind: [{ 'anything-but': ['a', 'b'] }] }),
    body({ id: ['x'], kind: [{ 'anything-but': ['a', 5] }] }),
  ];
  it('answers every value as evaluating the pattern alone does', () => {
    for (const pattern of [...dsl, ...json]) {
      const set = new MatcherSet<string>();
      set.add('p', pattern);
      set.add('other', body({ id: ['y'] })); // a second pattern keeps `kind` from being the anchor of a lone set
      for (const kind of values) {
        const payload = { id: 'x', kind };
        assert.equal(set.match(payload).includes('p'), pattern.matches(payload), JSON.stringify(payload));
      }
    }
  });
});
