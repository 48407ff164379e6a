import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CompiledPattern,
  compileJsonPattern,
  compilePattern,
  createMegaEvent,
  gt,
  MatcherSet,
  oneOf,
  PatternError,
} from '../src/index.js';

const sorted = <T>(values: T[]) => [...values].sort();

describe('MatcherSet', () => {
  it('returns every matching subscription, each once, and nothing else', () => {
    const set = new MatcherSet<string>({ input: 'attributes' });
    set.add('exact', compileJsonPattern({ store: ['example_corp'] }));
    set.add('prefix', compileJsonPattern({ store: [{ prefix: 'exa' }] }));
    set.add('range', compileJsonPattern({ price: [{ numeric: ['>', 100, '<=', 200] }] }));
    set.add('both', compileJsonPattern({ store: ['example_corp', { prefix: 'ex' }], price: [150] }));
    set.add('or', compileJsonPattern({ $or: [{ store: ['example_corp'] }, { price: [150] }] }));
    set.add('absent', compileJsonPattern({ region: [{ exists: false }] }));
    set.add('other', compileJsonPattern({ store: ['other'] }));
    const attributes = {
      store: { Type: 'String', Value: 'example_corp' },
      price: { Type: 'Number', Value: '150' },
    };
    assert.deepEqual(sorted(set.match(attributes)), ['absent', 'both', 'exact', 'or', 'prefix', 'range']);
  });

  it('holds DSL patterns and MessageBody JSON patterns side by side for objects', () => {
    const event = createMegaEvent({ name: 'order.placed', attributes: { total: '250', tags: ['a', 'b'] } });
    const set = new MatcherSet<string>();
    set.add('dsl', compilePattern({ event: { name: 'order.placed', attributes: { total: gt(100) } } }));
    set.add('dsl-in', compilePattern({ event: { name: oneOf('order.placed', 'order.paid') } }));
    set.add('json', compileJsonPattern({ event: { attributes: { tags: ['b'] } } }, { scope: 'MessageBody' }));
    set.add('miss', compilePattern({ event: { name: 'order.cancelled' } }));
    set.add('all', compilePattern({}));
    assert.deepEqual(sorted(set.match(event)), ['all', 'dsl', 'dsl-in', 'json']);
  });

  it('keeps DSL semantics when indexed: numeric strings equal numbers', () => {
    const set = new MatcherSet<string>();
    set.add('five', compilePattern({ n: 5 }));
    assert.deepEqual(set.match({ n: '5' }), ['five']);
    assert.deepEqual(set.match({ n: '5.0' }), ['five']);
    assert.deepEqual(set.match({ n: 'five' }), []);
  });

  it('keeps JSON-pattern semantics when indexed: "5" is not 5', () => {
    const set = new MatcherSet<string>();
    set.add('five', compileJsonPattern({ n: [5] }, { scope: 'MessageBody' }));
    assert.deepEqual(set.match({ n: '5' }), []);
    assert.deepEqual(set.match({ n: 5 }), ['five']);
  });

  it('keeps SNS numeric precision when indexed: ranges compare values rounded to 5 decimal places', () => {
    const set = new MatcherSet<string>();
    const pattern = compileJsonPattern({ n: [{ numeric: ['>', 0.5, '<=', 0.7] }] }, { scope: 'MessageBody' });
    set.add('range', pattern);
    for (const [n, expected] of [
      [0.500001, false], // 0.5 at SNS precision: not above 0.5
      [0.500006, true], // 0.50001
      [0.700004, true], // 0.7
      [0.700006, false], // 0.70001
    ] as const) {
      assert.equal(pattern.matches({ n }), expected, `the pattern on ${n}`);
      assert.deepEqual(set.match({ n }), expected ? ['range'] : [], `the set on ${n}`);
    }
  });

  it('supports replacing and deleting subscriptions', () => {
    const set = new MatcherSet<string>();
    set.add('a', compilePattern({ x: 1 }));
    assert.deepEqual(set.match({ x: 1 }), ['a']);
    set.add('a', compilePattern({ x: 2 }));
    assert.deepEqual(set.match({ x: 1 }), []);
    assert.equal(set.delete('a'), true);
    assert.equal(set.delete('a'), false);
    assert.equal(set.size, 0);
    assert.deepEqual(set.match({ x: 2 }), []);
  });

  it('refuses a pattern that reads another input', () => {
    const set = new MatcherSet<string>({ input: 'attributes' });
    assert.throws(() => set.add('x', compilePattern({ a: 1 })), PatternError);
  });

  it('agrees with evaluating each pattern in turn on random policies and payloads', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const keys = ['a', 'b', 'c'];
    const words = ['red', 'green', 'blue', 'reddish'];
    const condition = (): unknown =>
      pick([
        () => pick(words),
        () => Math.floor(random() * 5),
        () => ({ prefix: pick(['r', 'gr', 'b', '']) }),
        () => {
          const low = Math.floor(random() * 4);
          return { numeric: ['>=', low, '<', low + 1 + Math.floor(random() * 3)] };
        },
        () => ({ 'anything-but': [pick(words)] }),
        () => ({ exists: random() < 0.5 }),
        () => ({ suffix: 'ish' }),
      ])();
    const policy = (): Record<string, unknown> => {
      const p: Record<string, unknown> = {};
      for (const k of keys)
        if (random() < 0.5) p[k] = [condition(), ...(random() < 0.3 ? [condition()] : [])];
      if (random() < 0.2) p.$or = [{ a: [condition()] }, { c: [condition()] }];
      return p;
    };
    const value = (): unknown =>
      pick([() => pick(words), () => Math.floor(random() * 6), () => [pick(words), 2]])();
    const patterns: CompiledPattern[] = [];
    const set = new MatcherSet<number>();
    for (let i = 0; i < 300; i++) {
      const p = compileJsonPattern(policy(), { scope: 'MessageBody' });
      patterns.push(p);
      set.add(i, p);
    }
    let total = 0;
    for (let n = 0; n < 300; n++) {
      const payload: Record<string, unknown> = {};
      for (const k of keys) if (random() < 0.8) payload[k] = value();
      const expected = patterns.flatMap((p, i) => (p.matches(payload) ? [i] : []));
      assert.deepEqual(
        set.match(payload).sort((x, y) => x - y),
        expected,
        JSON.stringify(payload),
      );
      total += expected.length;
    }
    assert.ok(total > 100, `the random workload should produce matches (got ${total})`);
  });
  it('finds numeric ranges among many endpoints, spread or clustered, at, between and beyond them', () => {
    // hundreds of distinct endpoints, clustered near 0 and spread to ±5e8; values at, just off and between them
    let seed = 777;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const point = () =>
      random() < 0.2
        ? 1e9 * (random() - 0.5)
        : random() < 0.5
          ? Math.floor(random() * 100)
          : random() * 0.001;
    const patterns: CompiledPattern[] = [];
    const set = new MatcherSet<number>();
    const endpoints: number[] = [];
    for (let i = 0; i < 400; i++) {
      const [low, high] = [point(), point()].sort((a, b) => a - b) as [number, number];
      endpoints.push(low, high);
      const numeric = random() < 0.1 ? ['=', low] : random() < 0.2 ? ['>', low] : ['>=', low, '<=', high];
      const p = compileJsonPattern({ n: [{ numeric }] }, { scope: 'MessageBody' });
      patterns.push(p);
      set.add(i, p);
    }
    const values = [
      ...endpoints,
      ...endpoints.map((e) => e + 1e-7),
      ...endpoints.map((e) => e - 1e-7),
      ...Array.from({ length: 300 }, point),
      -1e12,
      1e12,
      0,
    ];
    let total = 0;
    for (const n of values) {
      const expected = patterns.flatMap((p, i) => (p.matches({ n }) ? [i] : []));
      assert.deepEqual(
        set.match({ n }).sort((x, y) => x - y),
        expected,
        String(n),
      );
      total += expected.length;
    }
    assert.ok(total > 1000, `the values should fall in ranges (got ${total} matches)`);
  });

  it('tells apart prefixes whose hashes collide', () => {
    // "Aa" and "BB" have the same 31-polynomial hash: the lookup confirms every hash hit
    const set = new MatcherSet<string>();
    set.add('Aa', compileJsonPattern({ k: [{ prefix: 'Aa' }] }, { scope: 'MessageBody' }));
    set.add('BB', compileJsonPattern({ k: [{ prefix: 'BB' }] }, { scope: 'MessageBody' }));
    set.add('AaBB', compileJsonPattern({ k: [{ prefix: 'AaBB' }] }, { scope: 'MessageBody' }));
    set.add('any', compileJsonPattern({ k: [{ prefix: '' }] }, { scope: 'MessageBody' }));
    assert.deepEqual(set.match({ k: 'Aa' }).sort(), ['Aa', 'any']);
    assert.deepEqual(set.match({ k: 'BBx' }).sort(), ['BB', 'any']);
    assert.deepEqual(set.match({ k: 'AaBB!' }).sort(), ['Aa', 'AaBB', 'any']);
    assert.deepEqual(set.match({ k: 'BBAa' }).sort(), ['BB', 'any']);
    assert.deepEqual(set.match({ k: 'A' }), ['any']);
  });
});
