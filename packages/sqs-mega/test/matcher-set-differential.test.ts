// Differential tests: a MatcherSet must answer exactly what evaluating each of its patterns in turn
// answers (`CompiledPattern.matches`), for every operator of both JSON-pattern dialects, both SNS
// scopes and the DSL, on payloads built to sit on the operators' edges (case, precision, arrays,
// missing keys, dotted keys). The index is an optimisation: any disagreement is a bug in it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CompiledPattern,
  compileJsonPattern,
  compilePattern,
  type DslPattern,
  FilterPolicyError,
  gt,
  gte,
  includes,
  lt,
  MatcherSet,
  matches,
  neq,
  not,
  oneOf,
  or,
} from 'sqs-mega';

/** A small seeded PRNG (LCG), so that a failure reproduces. */
function generator(seed: number) {
  let s = seed;
  const random = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return { random, pick };
}

const WORDS = ['red', 'Red', 'RED', 'reddish', 'green', 'blue', 'bluegreen', '', 're', 'd', '5', '5.0'];
const NUMBERS = [0, 1, -1, 5, 0.5, 0.500001, 0.500006, 0.7, 1e9, -1e9, 123.45678, 2.5];
const IPS = ['10.0.0.1', '10.1.2.3', '192.168.1.20', '11.0.0.1', '2001:db8::1', '2001:db9::1', 'not-an-ip'];
const KEYS = ['a', 'b', 'c'];

function jsonCondition(g: ReturnType<typeof generator>, dialect: 'sns' | 'eventbridge'): unknown {
  const { pick, random } = g;
  const word = () => pick(WORDS);
  const number = () => pick(NUMBERS);
  const options: (() => unknown)[] = [
    word,
    number,
    () => pick([true, false, null]),
    () => ({ prefix: word() }),
    () => ({ suffix: word() }),
    () => ({ 'equals-ignore-case': word() }),
    () => ({ 'anything-but': pick([[word()], [word(), word()], [number()], word(), number()]) }),
    () => ({ 'anything-but': { prefix: word() || 'r' } }),
    () => ({ 'anything-but': { suffix: word() || 'd' } }),
    () => ({
      numeric: pick([
        ['>', number()],
        ['<=', number()],
        ['=', number()],
      ]),
    }),
    () => {
      const [low, high] = [number(), number()].sort((x, y) => x - y);
      return { numeric: ['>=', low, '<', high] };
    },
    () => ({ exists: random() < 0.5 }),
    () => ({ cidr: pick(['10.0.0.0/8', '10.1.0.0/16', '192.168.1.0/24', '2001:db8::/32']) }),
  ];
  if (dialect === 'eventbridge') {
    options.push(
      () => ({ wildcard: pick(['r*', '*d', 'r*d', 'blue*green', '*']) }),
      () => ({ prefix: { 'equals-ignore-case': word() } }),
      () => ({ suffix: { 'equals-ignore-case': word() } }),
      () => ({ 'anything-but': { 'equals-ignore-case': pick([word(), [word(), word()]]) } }),
      () => ({ 'anything-but': { wildcard: pick(['r*', '*d']) } }),
    );
  }
  return pick(options)();
}

function jsonPolicy(
  g: ReturnType<typeof generator>,
  dialect: 'sns' | 'eventbridge',
  nested: boolean,
): Record<string, unknown> {
  const { random, pick } = g;
  const conditions = () =>
    Array.from({ length: 1 + Math.floor(random() * 2) }, () => jsonCondition(g, dialect));
  const policy: Record<string, unknown> = {};
  for (const key of KEYS) if (random() < 0.45) policy[key] = conditions();
  if (nested && random() < 0.4) policy.n = { x: conditions() };
  if (random() < 0.15) policy.$or = [{ [pick(KEYS)]: conditions() }, { [pick(KEYS)]: conditions() }];
  if (Object.keys(policy).length === 0) policy[pick(KEYS)] = conditions();
  return policy;
}

function bodyValue(g: ReturnType<typeof generator>): unknown {
  const { pick } = g;
  return pick<() => unknown>([
    () => pick(WORDS),
    () => pick(NUMBERS),
    () => pick(IPS),
    () => pick([true, false, null]),
    () => [pick(WORDS), pick(NUMBERS)],
    () => [pick(WORDS), [pick(WORDS)]],
    () => [],
    () => ({ x: pick(WORDS) }),
  ])();
}

function bodyPayload(g: ReturnType<typeof generator>): Record<string, unknown> {
  const { random, pick } = g;
  const payload: Record<string, unknown> = {};
  for (const key of KEYS) if (random() < 0.75) payload[key] = bodyValue(g);
  if (random() < 0.5)
    payload.n = random() < 0.3 ? [{ x: bodyValue(g) }, { x: bodyValue(g) }] : { x: bodyValue(g) };
  else if (random() < 0.2) payload['n.x'] = bodyValue(g);
  if (random() < 0.1) payload.a = pick([{}, { y: 1 }]);
  return payload;
}

function attributesPayload(g: ReturnType<typeof generator>): Record<string, unknown> {
  const { random, pick } = g;
  const attributes: Record<string, unknown> = {};
  for (const key of KEYS) {
    if (random() < 0.25) continue;
    attributes[key] = pick<() => unknown>([
      () => ({ Type: 'String', Value: pick([...WORDS, ...IPS]) }),
      () => ({ Type: 'Number', Value: String(pick(NUMBERS)) }),
      () => ({
        Type: 'String.Array',
        Value: JSON.stringify([pick(WORDS), pick(NUMBERS), pick([true, null])]),
      }),
      () => ({ DataType: 'String', StringValue: pick(WORDS) }),
      () => ({ DataType: 'Number', StringValue: String(pick(NUMBERS)) }),
      () => ({ DataType: 'Binary', BinaryValue: 'AAEC' }),
    ])();
  }
  return attributes;
}

/** What each pattern was compiled from, for failure messages. */
const sources = new WeakMap<CompiledPattern, unknown>();

/** Adds `count` patterns made by `make` (skipping those the compiler refuses); returns them. */
function fill(
  set: MatcherSet<number>,
  count: number,
  make: () => [source: unknown, compile: (source: never) => CompiledPattern],
): CompiledPattern[] {
  const patterns: CompiledPattern[] = [];
  for (let tries = 0; patterns.length < count && tries < count * 20; tries++) {
    let pattern: CompiledPattern;
    const [source, compile] = make();
    try {
      pattern = compile(source as never);
      sources.set(pattern, source);
    } catch (error) {
      if (error instanceof FilterPolicyError) continue;
      throw error;
    }
    set.add(patterns.length, pattern);
    patterns.push(pattern);
  }
  assert.equal(patterns.length, count, 'enough valid patterns');
  return patterns;
}

/** Asserts that `set` answers what each pattern answers on `payloads`; returns the number of matches. */
function agree(set: MatcherSet<number>, patterns: CompiledPattern[], payloads: unknown[]): number {
  let total = 0;
  for (const payload of payloads) {
    const expected = patterns.flatMap((p, i) => (p.matches(payload) ? [i] : []));
    const actual = set.match(payload).sort((x, y) => x - y);
    if (actual.join() !== expected.join()) {
      const extra = actual.filter((i) => !expected.includes(i));
      const missing = expected.filter((i) => !actual.includes(i));
      assert.fail(
        `payload ${JSON.stringify(payload)}: the set adds ${JSON.stringify(extra.map((i) => sources.get(patterns[i] as CompiledPattern)))} ` +
          `and misses ${JSON.stringify(missing.map((i) => sources.get(patterns[i] as CompiledPattern)))}`,
      );
    }
    total += expected.length;
  }
  return total;
}

describe('MatcherSet agrees with each pattern evaluated alone', () => {
  const cases = [
    { dialect: 'sns', scope: 'MessageBody', seed: 101 },
    { dialect: 'sns', scope: 'MessageAttributes', seed: 303 },
    { dialect: 'eventbridge', scope: 'MessageBody', seed: 202 },
    { dialect: 'eventbridge', scope: 'MessageAttributes', seed: 404 },
  ] as const;
  for (const { dialect, scope, seed } of cases) {
    it(`JSON patterns, ${dialect} dialect, scope ${scope}`, () => {
      const g = generator(seed);
      const body = scope === 'MessageBody';
      const set = new MatcherSet<number>({ input: body ? 'object' : 'attributes' });
      const patterns = fill(set, 400, () => [
        jsonPolicy(g, dialect, body),
        (policy: object) => compileJsonPattern(policy, { scope, dialect }),
      ]);
      const payloads = Array.from({ length: 400 }, () => (body ? bodyPayload(g) : attributesPayload(g)));
      const total = agree(set, patterns, payloads);
      assert.ok(total > 1000, `the workload should produce matches (got ${total})`);
    });
  }

  it('DSL patterns', () => {
    const g = generator(505);
    const { pick, random } = g;
    const leaf = (): DslPattern =>
      pick<() => DslPattern>([
        () => pick(WORDS),
        () => pick(NUMBERS),
        () => String(pick(NUMBERS)),
        () => pick([true, false, null]),
        () => [pick(WORDS), pick(NUMBERS)],
        () => gt(pick(NUMBERS)),
        () => gte(String(pick(NUMBERS))),
        () => lt(pick(NUMBERS)),
        () => neq(pick(WORDS)),
        () => matches(pick(['^r', 'd$', 'e+'])),
        () => oneOf(pick(WORDS), pick(NUMBERS)),
        () => not(pick(WORDS)),
        () => or(pick(WORDS), gt(1)),
        () => includes(pick(WORDS)),
        () => ({ x: pick(WORDS) }),
      ])();
    const set = new MatcherSet<number>();
    const patterns = fill(set, 300, () => {
      const pattern: Record<string, DslPattern> = {};
      for (const key of KEYS) if (random() < 0.5) pattern[key] = leaf();
      if (random() < 0.3) pattern.n = { x: leaf() };
      return [pattern, compilePattern];
    });
    const total = agree(
      set,
      patterns,
      Array.from({ length: 300 }, () => bodyPayload(g)),
    );
    assert.ok(total > 300, `the workload should produce matches (got ${total})`);
  });

  it('stays in agreement while patterns are added, replaced and deleted between matches', () => {
    const g = generator(606);
    const { random } = g;
    const set = new MatcherSet<number>();
    const current = new Map<number, CompiledPattern>();
    const compile = () => {
      for (;;) {
        try {
          return compileJsonPattern(jsonPolicy(g, 'sns', true), { scope: 'MessageBody' });
        } catch (error) {
          if (!(error instanceof FilterPolicyError)) throw error;
        }
      }
    };
    let total = 0;
    for (let step = 0; step < 300; step++) {
      // a few changes, then a few payloads
      for (let c = 0; c < 3; c++) {
        const id = Math.floor(random() * 120);
        if (random() < 0.3) assert.equal(set.delete(id), current.delete(id));
        else {
          const pattern = compile();
          set.add(id, pattern);
          current.set(id, pattern);
        }
      }
      assert.equal(set.size, current.size);
      for (let k = 0; k < 3; k++) {
        const payload = bodyPayload(g);
        const expected = [...current]
          .flatMap(([id, p]) => (p.matches(payload) ? [id] : []))
          .sort((x, y) => x - y);
        assert.deepEqual(
          set.match(payload).sort((x, y) => x - y),
          expected,
          JSON.stringify(payload),
        );
        total += expected.length;
      }
    }
    assert.ok(total > 500, `the workload should produce matches (got ${total})`);
  });
});
