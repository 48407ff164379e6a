// Matcher v2 (issue 20): anchors chosen by selectivity across the set (not by key order), indexed
// numeric/suffix/case-folded/DSL conditions, incremental tiers, and answers that always equal
// evaluating each pattern in turn.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  and,
  type CompiledPattern,
  compileJsonPattern,
  compilePattern,
  type DslPattern,
  gt,
  gte,
  lt,
  lte,
  MatcherSet,
  oneOf,
} from 'sqs-mega';

const body = (policy: object) => compileJsonPattern(policy, { scope: 'MessageBody', dialect: 'eventbridge' });
const sorted = <T>(values: T[]) => [...values].sort();

interface TierView {
  matcher: { layout: { indexes: { path: readonly string[] }[]; ids: unknown[] } };
  members: Map<unknown, unknown>;
}
const tiers = (set: MatcherSet<number>) => (set as unknown as { tiers: TierView[] }).tiers;
/** The paths a set's (single) tier indexes. */
const indexedPaths = (set: MatcherSet<number>): string[] => {
  set.match({});
  const [tier, ...more] = tiers(set);
  assert.ok(tier);
  assert.equal(more.length, 0);
  return tier.matcher.layout.indexes.map((i) => i.path.join('.')).sort();
};

/** Every id whose pattern matches, by evaluating each in turn: the reference. */
const reference = (patterns: Map<number, CompiledPattern>, payload: unknown) =>
  [...patterns].filter(([, p]) => p.matches(payload)).map(([id]) => id);

function lcg(seed: number) {
  let s = seed;
  const random = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  return { random, pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T };
}

describe('MatcherSet index choice', () => {
  it('anchors name+tenant patterns on the tenant whichever key the pattern writes first', () => {
    for (const nameFirst of [true, false]) {
      const set = new MatcherSet<number>();
      for (let i = 0; i < 500; i++) {
        const name = [`order.${i % 5}`];
        const tenant = [`t${i}`];
        set.add(i, body(nameFirst ? { name, tenant } : { tenant, name }));
      }
      assert.deepEqual(set.match({ name: 'order.3', tenant: 't8' }), [8]);
      assert.deepEqual(set.match({ name: 'order.2', tenant: 't8' }), []);
      assert.deepEqual(indexedPaths(set), ['tenant']);
    }
  });

  it('anchors name+numeric-range patterns on the range, and finds the covering ranges', () => {
    const set = new MatcherSet<number>();
    for (let i = 0; i < 400; i++)
      set.add(i, body({ name: [`n${i % 4}`], amount: [{ numeric: ['>=', i * 10, '<', i * 10 + 10] }] }));
    assert.deepEqual(indexedPaths(set), ['amount']);
    assert.deepEqual(set.match({ name: 'n1', amount: 55 }), [5]);
    assert.deepEqual(set.match({ name: 'n1', amount: 50 }), [5]);
    assert.deepEqual(set.match({ name: 'n1', amount: 60 }), []);
    assert.deepEqual(set.match({ name: 'n2', amount: Number.NaN }), []);
  });

  it('indexes suffix and equals-ignore-case conditions with their semantics', () => {
    const set = new MatcherSet<number>();
    for (let i = 0; i < 50; i++) {
      set.add(i, body({ kind: ['k'], file: [{ suffix: `.x${i}` }] }));
      set.add(100 + i, body({ kind: ['k'], user: [{ 'equals-ignore-case': `Ann${i}` }] }));
    }
    assert.deepEqual(indexedPaths(set), ['file', 'user']);
    assert.deepEqual(set.match({ kind: 'k', file: 'a.b.x7' }), [7]);
    assert.deepEqual(set.match({ kind: 'k', file: 'a.b.X7' }), []);
    assert.deepEqual(set.match({ kind: 'k', user: 'aNN12' }), [112]);
    assert.deepEqual(sorted(set.match({ kind: 'k', user: 'ANN3', file: 'q.x3' })), [103, 3]);
  });

  it('indexes DSL gt/gte/lt/lte of numbers, their and(), and oneOf of scalars, numeric strings included', () => {
    const set = new MatcherSet<number>();
    for (let i = 0; i < 100; i++) {
      set.add(
        i,
        compilePattern({ event: { name: 'e', attributes: { n: and(gte(i * 10), lt(i * 10 + 10)) } } }),
      );
      set.add(
        1000 + i,
        compilePattern({ event: { name: 'e', attributes: { sku: oneOf(`s${i}`, i + 0.5) } } }),
      );
    }
    assert.deepEqual(indexedPaths(set), ['event.attributes.n', 'event.attributes.sku']);
    const at = (attributes: object) => sorted(set.match({ event: { name: 'e', attributes } }));
    assert.deepEqual(at({ n: 42 }), [4]);
    assert.deepEqual(at({ n: '42' }), [4]);
    assert.deepEqual(at({ n: '4.2e1', sku: 's9' }), [1009, 4]);
    assert.deepEqual(at({ sku: '7.5' }), [1007]);
    assert.deepEqual(at({ n: -1 }), []);
    assert.deepEqual(at({ n: '2020-01-01T00:00:00Z' }), []);
    assert.deepEqual(set.match({ event: { name: 'f', attributes: { n: 42 } } }), []);
  });

  it('agrees with each DSL pattern in turn on numeric edges (strings, NaN, infinities, ISO dates)', () => {
    const { random, pick } = lcg(11);
    const bounds = [0, 5, -5, 2.5, 1e9, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const ops = [gt, gte, lt, lte];
    const values: unknown[] = [
      0,
      5,
      -5,
      2.5,
      '5',
      ' 5',
      '5.0',
      '-5e0',
      'x',
      Number.NaN,
      Infinity,
      -Infinity,
      null,
      true,
      [5],
      { v: 5 },
      '2020-01-01',
      new Date(5),
    ];
    const patterns = new Map<number, CompiledPattern>();
    const set = new MatcherSet<number>();
    for (let i = 0; i < 300; i++) {
      const one = (): DslPattern => (pick(ops) as (b: number) => DslPattern)(pick(bounds));
      const leaf =
        random() < 0.3
          ? and(one(), one())
          : random() < 0.5
            ? one()
            : oneOf(pick(values.slice(0, 9)) as DslPattern, 5);
      const p = compilePattern(random() < 0.5 ? { v: leaf } : { v: leaf, w: pick(['a', 'b']) });
      patterns.set(i, p);
      set.add(i, p);
    }
    for (const v of values)
      for (const w of ['a', 'b', undefined]) {
        const payload = w === undefined ? { v } : { v, w };
        assert.deepEqual(
          sorted(set.match(payload)),
          sorted(reference(patterns, payload)),
          `at ${String(v)} ${w}`,
        );
      }
  });
});

describe('MatcherSet tiers', () => {
  it('adds to a compiled set without recompiling its big tier, and deletes without a rebuild', () => {
    const set = new MatcherSet<number>();
    for (let i = 0; i < 1000; i++) set.add(i, body({ tenant: [`t${i}`] }));
    set.match({});
    const [big] = tiers(set);
    set.add(5000, body({ tenant: ['t1'] }));
    assert.deepEqual(sorted(set.match({ tenant: 't1' })), [1, 5000]);
    assert.equal(tiers(set)[0], big);
    assert.equal(tiers(set).length, 2);
    set.delete(1);
    assert.deepEqual(set.match({ tenant: 't1' }), [5000]);
    assert.equal(tiers(set)[0], big);
    // replacing re-files the id: the old version no longer answers
    set.add(2, body({ tenant: ['other'] }));
    assert.deepEqual(set.match({ tenant: 't2' }), []);
    assert.deepEqual(set.match({ tenant: 'other' }), [2]);
    assert.equal(set.size, 1000);
  });

  it('recompiles a tier once a quarter of it is deleted, and keeps the tier count logarithmic', () => {
    const set = new MatcherSet<number>();
    for (let i = 0; i < 400; i++) set.add(i, body({ tenant: [`t${i}`] }));
    set.match({});
    for (let i = 0; i < 120; i++) set.delete(i);
    set.match({});
    assert.equal(tiers(set).length, 1);
    assert.equal(tiers(set)[0]?.members.size, 280);
    for (let i = 0; i < 2000; i++) {
      set.add(10000 + i, body({ tenant: [`t${i}`] }));
      set.match({ tenant: 't0' });
    }
    assert.ok(tiers(set).length <= 8, `${tiers(set).length} tiers`);
    assert.deepEqual(sorted(set.match({ tenant: 't399' })), [10399, 399]);
  });

  it('agrees with each pattern in turn through random adds, replacements and deletes', () => {
    const { random, pick } = lcg(5);
    const set = new MatcherSet<number>();
    const live = new Map<number, CompiledPattern>();
    const names = ['a', 'b', 'c'];
    const policy = () =>
      pick([
        () => ({ name: [pick(names)], tenant: [`t${Math.floor(random() * 20)}`] }),
        () => ({ tenant: [`t${Math.floor(random() * 20)}`], name: [pick(names)] }),
        () => ({ name: [pick(names)], n: [{ numeric: ['>', Math.floor(random() * 20), '<=', 25] }] }),
        () => ({ name: [{ prefix: pick(names) }], tenant: [{ 'anything-but': ['t1'] }] }),
        () => ({ $or: [{ name: [pick(names)] }, { tenant: [{ suffix: '1' }] }] }),
      ])();
    for (let step = 0; step < 3000; step++) {
      const id = Math.floor(random() * 200);
      if (random() < 0.3) {
        assert.equal(set.delete(id), live.delete(id));
      } else {
        const p = body(policy());
        set.add(id, p);
        live.set(id, p);
      }
      if (step % 7 === 0) {
        const payload = {
          name: pick(names),
          tenant: `t${Math.floor(random() * 20)}`,
          n: Math.floor(random() * 30),
        };
        assert.deepEqual(sorted(set.match(payload)), sorted(reference(live, payload)), `step ${step}`);
      }
    }
    assert.equal(set.size, live.size);
  });
});

describe('MatcherSet wave 4: blocks of anything-but groups, missing paths', () => {
  it('decides a block of one-string anything-but groups like each pattern, whatever the value', () => {
    const patterns = new Map<number, CompiledPattern>();
    for (let k = 0; k < 12; k++) {
      const region = k < 9 ? [{ 'anything-but': [`r${k % 4}`] }] : [{ 'anything-but': [k] }];
      patterns.set(k, body({ name: ['n'], region }));
    }
    patterns.set(12, body({ name: ['n'] }));
    patterns.set(13, body({ name: ['n'], coupon: [{ exists: true }] }));
    const set = new MatcherSet<number>();
    for (const [id, p] of patterns) set.add(id, p);
    const payloads = [
      { name: 'n', region: 'r1' },
      { name: 'n', region: 'r0', coupon: 'c' },
      { name: 'n', region: 'zz' },
      { name: 'n', region: 9 },
      { name: 'n', region: ['r1', 'r2'] },
      { name: 'n', region: null },
      { name: 'n' },
      { name: 'n', 'region.x': 1 },
    ];
    for (const payload of payloads)
      assert.deepEqual(
        sorted(set.match(payload)),
        sorted(reference(patterns, payload)),
        JSON.stringify(payload),
      );
    assert.deepEqual(sorted(set.match({ name: 'n', region: 'r1' })), [0, 10, 11, 12, 2, 3, 4, 6, 7, 8, 9]);
  });

  it('finds a value under a dotted key when the nested path is missing, and nothing when neither is there', () => {
    const patterns = new Map<number, CompiledPattern>([
      [0, body({ event: { attributes: { coupon: [{ exists: true }] } } })],
      [1, body({ event: { attributes: { coupon: [{ exists: false }] } } })],
      [2, body({ event: { attributes: { coupon: ['c'] } } })],
    ]);
    const set = new MatcherSet<number>();
    for (const [id, p] of patterns) set.add(id, p);
    const payloads: [object, number[]][] = [
      [{ event: { attributes: {} } }, [1]],
      [{ event: { attributes: { coupon: 'c' } } }, [0, 2]],
      [{ event: { 'attributes.coupon': 'c' } }, [0, 2]],
      [{ 'event.attributes': { coupon: 'c' } }, [0, 2]],
      [{ 'event.attributes.coupon': 'd', event: {} }, [0]],
      [{ event: { attributes: [{ coupon: 'x' }, { coupon: 'c' }] } }, [0, 2]],
      [{ event: {} }, [1]],
      [{}, [1]],
    ];
    for (const [payload, want] of payloads) {
      assert.deepEqual(sorted(set.match(payload)), want, JSON.stringify(payload));
      assert.deepEqual(sorted(reference(patterns, payload)), want, JSON.stringify(payload));
    }
  });
});

describe('MatcherSet wave 4: the numeric directory', () => {
  it('agrees with each range in turn on every endpoint and its neighbours, with clustered and huge spans', () => {
    const spans: number[][] = [
      Array.from({ length: 40 }, (_, k) => k * 7.5),
      [...Array.from({ length: 30 }, (_, k) => 1 + k * 1e-5), 1e9, -1e9, 5e8],
      [...Array.from({ length: 20 }, (_, k) => k * 1e-5), -1e9, 1e9],
    ];
    for (const points of spans) {
      const patterns = new Map<number, CompiledPattern>();
      for (const [k, low] of points.entries()) {
        const high = points[(k * 7 + 3) % points.length] as number;
        const [a, b] = low <= high ? [low, high] : [high, low];
        const terms = a === b || k % 3 === 2 ? ['=', a] : k % 3 === 0 ? ['>=', a, '<', b] : ['>', a, '<=', b];
        patterns.set(k, body({ n: [{ numeric: terms }] }));
      }
      const set = new MatcherSet<number>();
      for (const [id, p] of patterns) set.add(id, p);
      const values = points.flatMap((p) => [p, p - 1e-5, p + 1e-5, p - 1, p + 1]);
      values.push(Number.MAX_VALUE, -Number.MAX_VALUE, Number.POSITIVE_INFINITY, 0, -0);
      for (const n of values) {
        const payload = { n };
        assert.deepEqual(sorted(set.match(payload)), sorted(reference(patterns, payload)), String(n));
      }
    }
  });
});
