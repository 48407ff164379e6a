// The matcher's lookup structures of wave 5 (issue 20) against brute force: numeric segments whose
// directory answers cells without endpoints directly, prefixes confirmed by packed code units, one
// function resolving every index path, anything-but blocks read through a table of operands.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileJsonPattern, MatcherSet } from '../src/index.js';
import type { NumericRange } from '../src/match/core.js';
import { PrefixTable, words } from '../src/match/prefixes.js';
import { MISSING, pathResolver } from '../src/match/resolve.js';
import { slotsResolver } from '../src/match/resolve-slots.js';
import { NumericSegments } from '../src/match/segments.js';

const body = (policy: object) => compileJsonPattern(policy, { scope: 'MessageBody' });

/** Segments over `ranges`; each bucket's entries, by the offset lookup answers. */
function segmentsOf(ranges: NumericRange[]): { segments: NumericSegments; entries: Map<number, number[]> } {
  const segments = new NumericSegments();
  for (const [i, range] of ranges.entries()) segments.add(range, i);
  const lists: number[][] = [];
  segments.cut(
    () => lists.push([]) - 1,
    (handle, entry) => lists[handle]?.push(entry),
  );
  // offsets distinct from handles, so that a handle left unrelocated shows
  const offsets = Int32Array.from(lists, (_, h) => 1000 + 7 * h);
  segments.seal(offsets);
  return { segments, entries: new Map(lists.map((list, h) => [1000 + 7 * h, list])) };
}

const covers = ([low, lowInc, high, highInc]: NumericRange, x: number) =>
  (lowInc ? x >= low : x > low) && (highInc ? x <= high : x < high);

describe('NumericSegments', () => {
  it('answers every value as brute force does, at endpoints, next to them and inside cells', () => {
    const range = fc
      .tuple(fc.integer({ min: -50, max: 50 }), fc.boolean(), fc.integer({ min: 0, max: 30 }), fc.boolean())
      .map(([low, lowInc, width, highInc]): NumericRange => [low, lowInc, low + width, highInc]);
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 80 }), (ranges) => {
        const { segments, entries } = segmentsOf(ranges);
        for (let x = -60; x <= 90; x += 0.25) {
          const want = ranges.flatMap((r, i) => (covers(r, x) ? [i] : []));
          const bucket = segments.lookup(x);
          const got = bucket < 0 ? [] : [...(entries.get(bucket) ?? [-1])].sort((a, b) => a - b);
          assert.deepEqual(got, want, `value ${x}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('answers a value in a cell without endpoints from the directory (many endpoints, wide gaps)', () => {
    const ranges: NumericRange[] = Array.from({ length: 40 }, (_, i) => [
      i * 1000,
      true,
      i * 1000 + 1,
      false,
    ]);
    const { segments, entries } = segmentsOf(ranges);
    for (let i = 0; i < 40; i++) {
      assert.deepEqual(entries.get(segments.lookup(i * 1000 + 0.5)), [i]);
      assert.equal(segments.lookup(i * 1000 + 500), -1);
      assert.equal(segments.lookup(i * 1000 + 1), -1);
    }
  });
});

describe('PrefixTable', () => {
  it('packs short narrow prefixes only', () => {
    assert.deepEqual(words('ab'), [0x6261, 0]);
    assert.notEqual(words('obj-01-'), undefined);
    assert.equal(words('123456789'), undefined);
    assert.equal(words('é€'), undefined);
  });

  it('finds exactly the registered prefixes of a value, packed or not', () => {
    const alphabet = ['a', 'b', '\u00e9', '\u20ac', '\ud83d\ude00'];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(
          text.filter((p) => p.length > 0),
          { maxLength: 20 },
        ),
        fc.array(text),
        (prefixes, values) => {
          const table = new PrefixTable();
          for (const [i, p] of prefixes.entries()) table.buckets.set(p, i);
          table.seal(Int32Array.from(prefixes, (_, i) => 100 + i));
          for (const value of [...values, ...prefixes, ...prefixes.map((p) => `${p}a`)]) {
            const got = table.lookup(value, [], 0);
            const into: number[] = [];
            const n = table.lookup(value, into, 0);
            const want = prefixes.flatMap((p, i) => (value.startsWith(p) ? [100 + i] : [])).sort();
            assert.equal(got, n);
            assert.deepEqual(into.slice(0, n).sort(), want, `value ${JSON.stringify(value)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells apart prefixes whose code units agree in their low byte', () => {
    const table = new PrefixTable();
    table.buckets.set('a\u0162', 0);
    table.seal(Int32Array.of(5));
    assert.equal(table.lookup('ab', [], 0), 0);
    assert.equal(table.lookup('a\u0162x', [], 0), 1);
  });
});

describe('slotsResolver', () => {
  it('answers what each path resolver answers, in its slot', () => {
    const paths = [
      ['a', 'b'],
      ['a', 'c', 'd'],
      ['x'],
      ['constructor'],
      ['a', 'b.c'],
      ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'],
    ];
    const resolvers = paths.flatMap((p) => [pathResolver(p, true), pathResolver(p, false)]);
    const slots = Int32Array.from(resolvers, (_, i) => 2 * i + 1);
    const resolve = slotsResolver(resolvers, slots);
    const payloads: unknown[] = [
      {},
      null,
      5,
      { a: { b: 1, c: { d: [1, 2] } } },
      { a: [{ b: 1 }, { b: 2 }], x: null },
      { 'a.b': 3, a: { 'b.c': 4 } },
      { a: { b: { e: 1 } }, constructor: 'own' },
      { k1: { k2: { k3: { k4: { k5: { k6: { k7: { k8: { k9: 'deep' } } } } } } } } },
    ];
    for (const payload of payloads) {
      const values: unknown[] = [];
      const seen = new Uint32Array(2 * resolvers.length + 1);
      resolve(payload, values, seen, 7);
      for (const [i, resolver] of resolvers.entries()) {
        assert.deepEqual(values[2 * i + 1], resolver(payload), `${JSON.stringify(payload)} path ${i}`);
        assert.equal(seen[2 * i + 1], 7);
        assert.equal(seen[2 * i], 0);
      }
    }
    assert.equal(pathResolver(['x'], false)({}), MISSING);
  });

  it('resolves more paths than one generated function holds', () => {
    const resolvers = Array.from({ length: 40 }, (_, i) => pathResolver([`p${i}`], true));
    const resolve = slotsResolver(
      resolvers,
      Int32Array.from(resolvers, (_, i) => i),
    );
    const payload = Object.fromEntries(resolvers.map((_, i) => [`p${i}`, i]));
    const values: unknown[] = [];
    resolve(payload, values, new Uint32Array(40), 1);
    assert.deepEqual(
      values,
      resolvers.map((_, i) => i),
    );
  });
});

describe('anything-but blocks', () => {
  it('admits every group but those of the value, also for operands several patterns share', () => {
    const regions = ['r0', 'r1', 'r2', 'r3'];
    const set = new MatcherSet<number>();
    const patterns = Array.from({ length: 24 }, (_, i) =>
      body({
        name: ['n'],
        region: [{ 'anything-but': [regions[i % 4]] }],
        ...(i % 3 === 0 ? {} : { k: [{ exists: true }] }),
      }),
    );
    for (const [i, p] of patterns.entries()) set.add(i, p);
    for (const region of [...regions, 'r9', 5, null, ['r1', 'r2']]) {
      for (const k of [undefined, 1]) {
        const payload = { name: 'n', region, ...(k === undefined ? {} : { k }) };
        const want = patterns.flatMap((p, i) => (p.matches(payload) ? [i] : []));
        assert.deepEqual(
          set.match(payload).sort((a, b) => a - b),
          want,
          JSON.stringify(payload),
        );
      }
    }
  });
});
