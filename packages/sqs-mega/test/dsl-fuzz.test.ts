// Matching never throws (issue 20, item 6): the seeds' list form of `matches` is supported, bad
// arguments are refused when the pattern is built (a PatternError), and no pattern that compiles can
// throw while matching any payload — alone or in a MatcherSet — checked with fast-check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  and,
  type CompiledPattern,
  compilePattern,
  type DslPattern,
  eq,
  gt,
  gte,
  includes,
  lt,
  lte,
  MatcherSet,
  matches,
  neq,
  not,
  oneOf,
  or,
  PatternError,
  where,
} from 'sqs-mega';

describe('DSL matches() and compile-time validation', () => {
  it("supports the list form matches(['a', 'b']): a scalar among the items, a list within them", () => {
    const p = compilePattern({ tag: matches(['a', 'b']) });
    assert.equal(p.matches({ tag: 'a' }), true);
    assert.equal(p.matches({ tag: 'c' }), false);
    assert.equal(p.matches({ tag: ['b', 'a', 'a'] }), true);
    assert.equal(p.matches({ tag: ['a', 'c'] }), false);
    assert.equal(p.matches({ tag: 5 }), false);
    assert.equal(p.matches({}), false);
  });

  it('refuses a matches() argument that is not a regex, a string or a list, naming it', () => {
    const noPrototype = Object.assign(Object.create(null), { big: 1n });
    for (const bad of [5, null, {}, undefined, true, noPrototype]) {
      assert.throws(() => matches(bad as unknown as string), PatternError);
    }
    assert.throws(() => matches('('), /not a valid regular expression/);
  });
});

/** Anything, including the odd values a payload or an operand may carry. */
const anyValue = fc.anything({
  withDate: true,
  withBigInt: true,
  withNullPrototype: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withBoxedValues: true,
  maxDepth: 3,
});

const leafPattern: fc.Arbitrary<unknown> = fc.oneof(
  anyValue,
  fc.constantFrom(/a+/, /^x/g, /[0-9]/y),
  fc.constant((v: unknown) => (v as { x: { y: number } }).x.y > 1),
  fc.constant(() => {
    throw new Error('predicate fails');
  }),
);

/** An operator call to make: `fn(...args)`. */
class Call {
  constructor(
    readonly fn: (...args: unknown[]) => DslPattern,
    readonly args: unknown[],
  ) {}
}

const { pattern } = fc.letrec<{ pattern: unknown }>((tie) => ({
  pattern: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafPattern,
    fc
      .tuple(fc.constantFrom(eq, neq, gt, gte, lt, lte, not, matches), fc.oneof(anyValue, tie('pattern')))
      .map(([fn, arg]) => new Call(fn as Call['fn'], [arg])),
    fc
      .tuple(
        fc.constantFrom(oneOf, and, or, includes),
        fc.array(fc.oneof(anyValue, tie('pattern')), { maxLength: 3 }),
      )
      .map(([fn, args]) => new Call(fn as Call['fn'], args)),
    fc.array(tie('pattern'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'n', 'event', 'constructor', '__proto__'), tie('pattern'), {
      maxKeys: 3,
    }),
  ),
}));

/** Builds the operator calls the arbitrary describes; a PatternError here is the refusal we want. */
function build(spec: unknown): DslPattern {
  if (spec instanceof Call) return spec.fn(...spec.args.map(build));
  if (Array.isArray(spec)) return spec.map(build);
  if (spec !== null && typeof spec === 'object' && Object.getPrototypeOf(spec) === Object.prototype) {
    const out: Record<string, DslPattern> = {};
    for (const [k, v] of Object.entries(spec))
      Object.defineProperty(out, k, { value: build(v), enumerable: true });
    return out;
  }
  return spec as DslPattern;
}

describe('DSL fuzz', () => {
  it('never throws while matching a pattern that compiled, alone or in a MatcherSet', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 1, maxLength: 4 }),
        fc.array(anyValue, { maxLength: 4 }),
        (specs, payloads) => {
          const set = new MatcherSet<number>();
          const compiled: CompiledPattern[] = [];
          for (const [i, spec] of specs.entries()) {
            try {
              const p = compilePattern(build(spec));
              compiled.push(p);
              set.add(i, p);
            } catch (error) {
              if (!(error instanceof PatternError)) throw error;
            }
          }
          for (const payload of [...payloads, { a: payloads[0], n: payloads[1], event: payloads[2] }]) {
            const alone = compiled.map((p) => p.matches(payload));
            const inSet = set.match(payload);
            assert.equal(inSet.length, alone.filter(Boolean).length);
          }
        },
      ),
      { numRuns: 400, seed: 20 },
    );
  });

  it('keeps where() predicates that throw from throwing out of matching', () => {
    const p = compilePattern({
      a: where(() => {
        throw new Error('boom');
      }),
    });
    assert.equal(p.matches({ a: 1 }), false);
  });
});
