import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJsonPattern, type FilterPolicyScope, validateFilterPolicy } from '../src/index.js';

/** The reason SNS gives for a policy, or 'ok'. */
function reason(policy: unknown, scope: FilterPolicyScope = 'MessageAttributes'): string {
  const result = validateFilterPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), scope);
  return result.ok ? 'ok' : result.error.reason;
}

describe('SNS filter policy validation: limits', () => {
  it('at most 5 keys (top-level keys; nested keys of a body policy do not count)', () => {
    const five = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`k${i}`, ['x']]));
    assert.equal(reason(five), 'ok');
    assert.equal(reason({ ...five, k6: ['x'] }), 'Filter policy can not have more than 5 keys');
    assert.equal(
      reason({ a: { b: ['1'], c: ['2'], d: ['3'], e: ['4'], f: ['5'], g: ['6'] } }, 'MessageBody'),
      'ok',
    );
  });

  it('at most 150 combinations (product of array lengths)', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    assert.equal(reason({ a: values(10), b: values(15) }), 'ok');
    assert.equal(reason({ a: values(10), b: values(16) }), 'Filter policy is too complex');
    assert.equal(reason({ a: values(151) }), 'Filter policy is too complex');
  });

  it('nested keys weigh by depth (the SNS guide example: 3 x 4 x 2 x 3 = 72)', () => {
    const policy = { key_a: { key_b: { key_c: ['1', '2', '3', '4'] } }, key_d: { key_e: ['1', '2', '3'] } };
    assert.equal(reason(policy, 'MessageBody'), 'ok');
    const tooMany = {
      key_a: { key_b: { key_c: Array.from({ length: 9 }, String) } },
      key_d: { key_e: ['1', '2', '3'] },
    };
    assert.equal(reason(tooMany, 'MessageBody'), 'Filter policy is too complex'); // 3*9*2*3 = 162
  });

  it('$or alternatives add up', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    assert.equal(reason({ $or: [{ a: values(75) }, { b: values(75) }] }), 'ok');
    assert.equal(reason({ $or: [{ a: values(75) }, { b: values(76) }] }), 'Filter policy is too complex');
  });

  it('at most 256 KB', () => {
    const big = JSON.stringify({ a: ['x'.repeat(256 * 1024)] });
    assert.equal(reason(big), 'Filter policy is too large');
  });

  it('numeric operands within ±1e9', () => {
    assert.equal(reason({ n: [{ numeric: ['<', 1e9] }] }), 'ok');
    assert.equal(reason({ n: [{ numeric: ['<', 1e9 + 1] }] }), 'Value of < must be between -1.0E9 and 1.0E9');
  });
});

describe('SNS filter policy validation: structure and scope', () => {
  it('MessageAttributes does not support nested policies (and says so without the FilterPolicy prefix)', () => {
    const result = validateFilterPolicy('{"a":{"b":["x"]}}', 'MessageAttributes');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(
      result.message,
      'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
    );
    assert.equal(validateFilterPolicy('{"a":{"b":["x"]}}', 'MessageBody').ok, true);
  });

  it('renders the InvalidParameter message for SetSubscriptionAttributes and Subscribe', () => {
    const result = validateFilterPolicy('{"a":[]}');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.message, 'Invalid parameter: FilterPolicy: Empty arrays are not allowed');
    assert.equal(
      result.error.awsMessage('Subscribe'),
      'Invalid parameter: Attributes Reason: FilterPolicy: Empty arrays are not allowed',
    );
  });

  it('a key must hold an array (or, in a body policy, an object)', () => {
    assert.equal(reason({ key_a: 'value_one' }), '"key_a" must be an object or an array');
    assert.equal(reason({ key: { suffix: 'value' } }), '"suffix" must be an object or an array');
    assert.equal(
      reason({ key: { 'not-an-operator': 'value' } }),
      '"not-an-operator" must be an object or an array',
    );
    assert.equal(reason({ a: {} }, 'MessageBody'), 'Empty objects are not allowed');
  });

  it('$or shape rules: an array of at least 2 objects', () => {
    assert.equal(reason({ $or: { a: ['x'] } }), 'It must be an Array followed with $or.');
    assert.equal(reason({ $or: [{ a: ['x'] }] }), 'There must have at least 2 Objects in $or relationship.');
    assert.equal(
      reason({ $or: [{ a: ['x'] }, 'b'] }),
      'Only JSON object is allowed in array of $or relationship.',
    );
    assert.equal(reason({ $or: [] }), 'Empty arrays are not allowed');
  });

  it('rejects text that is not a JSON object', () => {
    assert.match(reason('{"a":'), /^failed to parse JSON/);
    assert.equal(reason('["a"]'), 'Filter policy must be a JSON object');
  });
});

describe('SNS filter policy validation: conditions', () => {
  const cases: [string, unknown, string][] = [
    ['a nested list', { key: [['value']] }, 'Match value must be String, number, true, false, or null'],
    ['an unknown operator', { key: [{ 'wrong-operator': true }] }, 'Unrecognized match type wrong-operator'],
    [
      'two operators in one object',
      { key: [{ suffix: 'v', prefix: 'v2' }] },
      'Only one key allowed in match expression',
    ],
    ['a numeric suffix', { key: [{ suffix: 100 }] }, 'suffix match pattern must be a string'],
    ['a null suffix', { key: [{ suffix: null }] }, 'suffix match pattern must be a string'],
    ['a list as prefix', { key: [{ prefix: ['a'] }] }, 'prefix match pattern must be a string'],
    [
      'equals-ignore-case on a number',
      { key: [{ 'equals-ignore-case': 1 }] },
      'equals-ignore-case match pattern must be a string',
    ],
    ['exists: null', { key: [{ exists: null }] }, 'exists match pattern must be either true or false.'],
    ['exists: "no"', { key: [{ exists: 'no' }] }, 'exists match pattern must be either true or false.'],
    [
      'anything-but suffix (EventBridge only)',
      { key: [{ 'anything-but': { suffix: 'test' } }] },
      'Unsupported anything-but pattern: suffix',
    ],
    [
      'anything-but exists',
      { key: [{ 'anything-but': { exists: false } }] },
      'Unsupported anything-but pattern: exists',
    ],
    [
      'anything-but prefix false',
      { key: [{ 'anything-but': { prefix: false } }] },
      'prefix match pattern must be a string',
    ],
    [
      'anything-but true',
      { key: [{ 'anything-but': true }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    ['exact (EventBridge only)', { key: [{ exact: 'x' }] }, 'Unrecognized match type exact'],
    ['an empty numeric', { key: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
    [
      'a bad numeric operator',
      { key: [{ numeric: ['operator'] }] },
      'Unrecognized numeric range operator: operator',
    ],
    ['a number before the operator', { key: [{ numeric: [1, '<='] }] }, 'Invalid member in numeric match: 1'],
    ['a string operand for =', { key: [{ numeric: ['=', '000'] }] }, 'Value of equals must be numeric'],
    ['a missing operand', { key: [{ numeric: ['>='] }] }, 'Value of >= must be numeric'],
    [
      'a range starting with <',
      { key: [{ numeric: ['<', 100, '>', 10] }] },
      'Too many elements in numeric expression',
    ],
    [
      'a range with two lower bounds',
      { key: [{ numeric: ['>=', 1, '>', 2] }] },
      'Bad numeric range operator: >',
    ],
    ['bottom above top', { key: [{ numeric: ['>', 3, '<', 1] }] }, 'Bottom must be less than top'],
    ['bottom equal to top', { key: [{ numeric: ['>=', 3, '<=', 3] }] }, 'Bottom must be less than top'],
    ['a missing upper operand', { key: [{ numeric: ['>', 20, '<='] }] }, 'Value of <= must be numeric'],
    ['a missing range operator', { key: [{ numeric: ['>', 20, 30] }] }, 'Bad value in numeric range: 30'],
    ['a bad upper operator', { key: [{ numeric: ['>', 20, 'test'] }] }, 'Bad numeric range operator: test'],
    ['a string lower operand', { key: [{ numeric: ['>', '20', '<', '30'] }] }, 'Value of > must be numeric'],
    ['a string upper operand', { key: [{ numeric: ['>', 20, '<', '30'] }] }, 'Value of < must be numeric'],
    [
      'too many range terms',
      { key: [{ numeric: ['>', 20, '<', 30, '<', 50] }] },
      'Too many terms in numeric range expression',
    ],
    ['a CIDR without /', { ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    [
      'a CIDR with text mask',
      { ip: [{ cidr: '10.0.0.0/x' }] },
      'Malformed CIDR, mask bits must be an integer',
    ],
    ['a CIDR with a bad address', { ip: [{ cidr: '10.0.0/8' }] }, 'Nonstandard IP address: 10.0.0'],
    ['a numeric CIDR', { ip: [{ cidr: 10 }] }, 'prefix match pattern must be a string'],
  ];
  for (const [what, policy, expected] of cases) {
    it(`rejects ${what}: "${expected}"`, () => assert.equal(reason(policy), expected));
  }

  it('accepts every SNS operator', () => {
    const policy = {
      a: ['x', 1, true, null, { prefix: 'p' }, { suffix: 's' }, { 'equals-ignore-case': 'E' }],
      b: [{ 'anything-but': ['x', 1] }, { 'anything-but': { prefix: 'p' } }, { numeric: ['>', 0, '<=', 5] }],
      c: [{ exists: true }],
      d: [{ cidr: '10.0.0.0/8' }],
    };
    assert.equal(reason(policy), 'ok');
  });

  it('the EventBridge dialect accepts its extra operators and has no SNS limits', () => {
    const policy = {
      a: [{ wildcard: '*.png' }, { exact: 'x' }, { prefix: { 'equals-ignore-case': 'AB' } }],
      b: [{ 'anything-but': { suffix: '.tmp' } }],
      c: Array.from({ length: 200 }, String),
    };
    assert.doesNotThrow(() => compileJsonPattern(policy, { scope: 'MessageBody', dialect: 'eventbridge' }));
  });
});
