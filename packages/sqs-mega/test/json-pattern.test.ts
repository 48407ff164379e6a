import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJsonPattern, FilterPolicyError, type JsonPatternOptions } from '../src/index.js';

type Attr = { Type: string; Value: string };
const S = (Value: string): Attr => ({ Type: 'String', Value });
const N = (Value: string): Attr => ({ Type: 'Number', Value });
const A = (values: unknown[]): Attr => ({ Type: 'String.Array', Value: JSON.stringify(values) });

/** Scope MessageAttributes (the default). */
const attrs = (policy: object, attributes: Record<string, Attr>) =>
  compileJsonPattern(policy).matches(attributes);
/** Scope MessageBody. */
const body = (policy: object, payload: unknown, options: JsonPatternOptions = {}) =>
  compileJsonPattern(policy, { scope: 'MessageBody', ...options }).matches(payload);

describe('JSON patterns: keys AND, values OR', () => {
  it('every key must match; one value of a key suffices; unnamed properties are ignored', () => {
    const p = { store: ['example_corp', 'other'], event: ['order_placed'] };
    assert.equal(attrs(p, { store: S('other'), event: S('order_placed'), extra: S('x') }), true);
    assert.equal(attrs(p, { store: S('other') }), false);
    assert.equal(attrs(p, { store: S('third'), event: S('order_placed') }), false);
  });

  it('an empty policy matches everything', () => {
    assert.equal(attrs({}, {}), true);
    assert.equal(body({}, { a: 1 }), true);
  });
});

describe('exact matching', () => {
  it('strings match strings, numbers match numbers; "5" never equals 5', () => {
    assert.equal(body({ a: ['5'] }, { a: '5' }), true);
    assert.equal(body({ a: ['5'] }, { a: 5 }), false);
    assert.equal(body({ a: [5] }, { a: 5.0 }), true);
    assert.equal(body({ a: [5] }, { a: '5' }), false);
  });

  it('Number-typed attributes match numbers, String-typed ones strings', () => {
    assert.equal(attrs({ price: [100] }, { price: N('100.0') }), true);
    assert.equal(attrs({ price: [100] }, { price: S('100') }), false);
    assert.equal(attrs({ price: ['100'] }, { price: S('100') }), true);
  });

  it('numbers compare with five decimals of precision', () => {
    assert.equal(body({ a: [1.00001] }, { a: 1.00001 }), true);
    assert.equal(body({ a: [1.00001] }, { a: 1.00002 }), false);
    assert.equal(body({ a: [1] }, { a: 1.000001 }), true);
  });

  it('true, false and null are literals', () => {
    assert.equal(body({ a: [true] }, { a: true }), true);
    assert.equal(body({ a: [true] }, { a: 'true' }), false);
    assert.equal(body({ a: [null] }, { a: null }), true);
    assert.equal(body({ a: [null] }, { a: 0 }), false);
  });

  it('Binary attributes are ignored', () => {
    assert.equal(attrs({ blob: ['AAE='] }, { blob: { Type: 'Binary', Value: 'AAE=' } }), false);
  });
});

describe('arrays in the payload match when any element matches', () => {
  it('String.Array attributes', () => {
    assert.equal(attrs({ interests: ['rugby', 'tennis'] }, { interests: A(['baseball', 'tennis']) }), true);
    assert.equal(attrs({ interests: ['rugby'] }, { interests: A(['baseball']) }), false);
    assert.equal(attrs({ n: [{ numeric: ['>', 5] }] }, { n: A([1, 10]) }), true);
  });

  it('body arrays, also arrays of objects and nested arrays', () => {
    assert.equal(body({ tags: ['b'] }, { tags: ['a', 'b'] }), true);
    assert.equal(
      body({ items: { sku: [{ prefix: 'X-' }] } }, { items: [{ sku: 'A-1' }, { sku: 'X-2' }] }),
      true,
    );
    assert.equal(body({ m: [3] }, { m: [[1, 2], [3]] }), true);
    assert.equal(body({ tags: ['c'] }, { tags: [] }), false);
  });
});

describe('prefix, suffix, equals-ignore-case', () => {
  it('apply to strings only', () => {
    assert.equal(attrs({ c: [{ prefix: 'bl' }] }, { c: S('blue') }), true);
    assert.equal(attrs({ c: [{ prefix: 'bl' }] }, { c: S('red') }), false);
    assert.equal(attrs({ c: [{ suffix: 'ue' }] }, { c: S('blue') }), true);
    assert.equal(attrs({ c: [{ 'equals-ignore-case': 'BLUE' }] }, { c: S('Blue') }), true);
    assert.equal(body({ n: [{ prefix: '1' }] }, { n: 12 }), false);
  });

  it('an empty prefix matches every string', () => {
    assert.equal(body({ c: [{ prefix: '' }] }, { c: '' }), true);
  });
});

describe('anything-but', () => {
  it('a list of values, a single value, numbers', () => {
    assert.equal(attrs({ c: [{ 'anything-but': ['red', 'green'] }] }, { c: S('blue') }), true);
    assert.equal(attrs({ c: [{ 'anything-but': ['red', 'green'] }] }, { c: S('red') }), false);
    assert.equal(attrs({ c: [{ 'anything-but': 'red' }] }, { c: S('red') }), false);
    assert.equal(attrs({ p: [{ 'anything-but': [100] }] }, { p: N('100') }), false);
    assert.equal(attrs({ p: [{ 'anything-but': [100] }] }, { p: N('101') }), true);
  });

  it('prefix', () => {
    assert.equal(attrs({ c: [{ 'anything-but': { prefix: 'bl' } }] }, { c: S('blue') }), false);
    assert.equal(attrs({ c: [{ 'anything-but': { prefix: 'bl' } }] }, { c: S('red') }), true);
  });

  it('requires the key to be present', () => {
    assert.equal(attrs({ c: [{ 'anything-but': 'red' }] }, { other: S('x') }), false);
  });

  it('on arrays: matches when some element is not excluded', () => {
    assert.equal(attrs({ c: [{ 'anything-but': ['red'] }] }, { c: A(['red', 'blue']) }), true);
    assert.equal(attrs({ c: [{ 'anything-but': ['red'] }] }, { c: A(['red']) }), false);
  });

  it('EventBridge dialect: suffix, equals-ignore-case, wildcard', () => {
    const eb = { dialect: 'eventbridge' } as const;
    assert.equal(body({ f: [{ 'anything-but': { suffix: '.png' } }] }, { f: 'a.png' }, eb), false);
    assert.equal(body({ f: [{ 'anything-but': { suffix: '.png' } }] }, { f: 'a.jpg' }, eb), true);
    assert.equal(
      body({ f: [{ 'anything-but': { 'equals-ignore-case': ['X', 'y'] } }] }, { f: 'Y' }, eb),
      false,
    );
    assert.equal(body({ f: [{ 'anything-but': { wildcard: 'a*b' } }] }, { f: 'axxb' }, eb), false);
    assert.equal(body({ f: [{ 'anything-but': { wildcard: 'a*b' } }] }, { f: 'axxc' }, eb), true);
  });
});

describe('numeric', () => {
  it('=, <, <=, >, >= and ranges', () => {
    const p = (numeric: unknown[]) => ({ n: [{ numeric }] });
    assert.equal(attrs(p(['=', 100]), { n: N('100') }), true);
    assert.equal(attrs(p(['<', 100]), { n: N('99.99999') }), true);
    assert.equal(attrs(p(['<', 100]), { n: N('100') }), false);
    assert.equal(attrs(p(['<=', 100]), { n: N('100') }), true);
    assert.equal(attrs(p(['>', 0, '<=', 150]), { n: N('150') }), true);
    assert.equal(attrs(p(['>', 0, '<=', 150]), { n: N('0') }), false);
    assert.equal(attrs(p(['>=', 0, '<', 150]), { n: N('0') }), true);
  });

  it('applies to Number attributes and JSON numbers only, never to strings', () => {
    assert.equal(attrs({ n: [{ numeric: ['>', 5] }] }, { n: S('10') }), false);
    assert.equal(body({ n: [{ numeric: ['>', 5] }] }, { n: '10' }), false);
    assert.equal(body({ n: [{ numeric: ['>', 5] }] }, { n: 10 }), true);
  });

  it('rounds to five decimals (SNS precision)', () => {
    assert.equal(body({ n: [{ numeric: ['=', 0.00001] }] }, { n: 0.000011 }), true);
    assert.equal(body({ n: [{ numeric: ['>', 1] }] }, { n: 1.000001 }), false);
  });
});

describe('exists', () => {
  it('true: the key is present (any type)', () => {
    assert.equal(attrs({ s: [{ exists: true }] }, { s: N('1') }), true);
    assert.equal(attrs({ s: [{ exists: true }] }, { other: S('x') }), false);
  });

  it('false: the key is absent, and only when the message has at least one attribute', () => {
    assert.equal(attrs({ s: [{ exists: false }] }, { other: S('x') }), true);
    assert.equal(attrs({ s: [{ exists: false }] }, { s: S('x') }), false);
    assert.equal(attrs({ s: [{ exists: false }] }, {}), false);
  });

  it('in bodies, applies to leaves: an object or an empty array is not a present value', () => {
    assert.equal(body({ a: [{ exists: true }] }, { a: { b: 1 } }), false);
    assert.equal(body({ a: [{ exists: false }] }, { a: [] }), true);
    assert.equal(body({ a: { b: [{ exists: true }] } }, { a: { b: 0 } }), true);
  });
});

describe('cidr', () => {
  it('IPv4 and IPv6 blocks', () => {
    assert.equal(attrs({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: S('10.0.0.255') }), true);
    assert.equal(attrs({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: S('10.0.1.0') }), false);
    assert.equal(attrs({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: S('2001:db8::1') }), true);
    assert.equal(attrs({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: S('10.0.0.1') }), false);
    assert.equal(attrs({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: S('not an ip') }), false);
  });
});

describe('wildcard (EventBridge dialect)', () => {
  it('* matches any run, \\* a literal star; anchored at both ends', () => {
    const eb = { dialect: 'eventbridge' } as const;
    assert.equal(body({ f: [{ wildcard: 'dir/*.png' }] }, { f: 'dir/a/b.png' }, eb), true);
    assert.equal(body({ f: [{ wildcard: 'dir/*.png' }] }, { f: 'dir/a.png.bak' }, eb), false);
    assert.equal(body({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' }, eb), true);
    assert.equal(body({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' }, eb), false);
  });

  it('is rejected by the SNS dialect, as SNS does', () => {
    assert.throws(() => compileJsonPattern({ f: [{ wildcard: 'a*' }] }), {
      message: 'Unrecognized match type wildcard',
    });
  });
});

describe('$or', () => {
  it('matches when any alternative matches, combined with the other keys', () => {
    const p = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'] }] };
    assert.equal(body(p, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' }), true);
    assert.equal(body(p, { source: 'aws.cloudwatch', metricName: 'CPU' }), true);
    assert.equal(body(p, { source: 'other', metricName: 'CPU' }), false);
    assert.equal(body(p, { source: 'aws.cloudwatch' }), false);
  });

  it('works nested in a body policy and in attribute policies', () => {
    assert.equal(body({ a: { $or: [{ b: [1] }, { c: [2] }] } }, { a: { c: 2 } }), true);
    assert.equal(attrs({ $or: [{ x: ['1'] }, { y: ['2'] }] }, { y: S('2') }), true);
  });
});

describe('scopes', () => {
  it('MessageBody: nested keys; a dotted payload key also answers a nested policy key', () => {
    const p = { object: { nested: ['string.value'] } };
    assert.equal(body(p, { object: { nested: 'string.value' } }), true);
    assert.equal(body(p, { 'object.nested': 'string.value' }), true);
    assert.equal(body({ object: { nested: { test: ['v'] } } }, { 'object.nested': { test: 'v' } }), true);
  });

  it('MessageBody: a payload that is not an object never matches a non-empty policy', () => {
    assert.equal(body({ a: ['x'] }, 'x'), false);
    assert.equal(body({ a: ['x'] }, null), false);
  });

  it('MessageAttributes: keys are flat names, dots included', () => {
    assert.equal(attrs({ 'a.b': ['x'] }, { 'a.b': S('x') }), true);
  });

  it('MessageAttributes: accepts the SDK attribute shape and custom type suffixes', () => {
    const p = compileJsonPattern({ n: [{ numeric: ['>', 1] }], s: ['x'] });
    assert.equal(
      p.matches({
        n: { DataType: 'Number.float', StringValue: '2.5' },
        s: { DataType: 'String', StringValue: 'x' },
      }),
      true,
    );
  });

  it('MessageAttributes: null stands for an absent attribute, in a message that has attributes', () => {
    // as recorded against SNS: a message without any attribute is not delivered (issue 24)
    assert.equal(attrs({ a: [null, { 'anything-but': 'whatever' }] }, {}), false);
    assert.equal(attrs({ a: [null, { 'anything-but': 'whatever' }] }, { b: S('x') }), true);
    assert.equal(attrs({ a: [null, { 'anything-but': 'whatever' }] }, { a: S('whatever') }), false);
  });
});

describe('compiled patterns', () => {
  it('accept a policy as JSON text and report SNS errors as FilterPolicyError', () => {
    assert.equal(compileJsonPattern('{"a":["x"]}').matches({ a: S('x') }), true);
    assert.throws(() => compileJsonPattern('{"a":'), FilterPolicyError);
  });
});
