// Keys named like the members every JavaScript object inherits (`__proto__`, `constructor`,
// `toString`, …) are ordinary keys in JSON, SQS and SNS. A payload, an attribute map or an event has
// them only when they were sent, and encoding, reading or copying one never loses them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attributeValues,
  buildMessage,
  canonicalJson,
  compileJsonPattern,
  compilePattern,
  decodePayload,
  encodePayload,
  MatcherSet,
  not,
  parseSnsEnvelope,
  readMegaEvent,
} from '../src/index.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
/** `{ [name]: value }` as JSON.parse makes it: an own key, also for `__proto__`. */
const withKey = (name: string, value: unknown): Record<string, unknown> =>
  JSON.parse(`{${JSON.stringify(name)}:${JSON.stringify(value)}}`);
const ownKeys = (o: unknown): string[] => Object.keys(o as object).sort();

describe('names every object inherits', () => {
  describe('encoding and reading keep them', () => {
    it('canonical JSON keeps a __proto__ key at every depth, in sorted order', () => {
      const value = JSON.parse('{"b":{"__proto__":{"x":1},"a":2},"__proto__":[1]}');
      assert.equal(canonicalJson(value), '{"__proto__":[1],"b":{"__proto__":{"x":1},"a":2}}');
    });

    it('a data object with __proto__ and constructor keys survives encode and decode, as JSON and as BSON', () => {
      const data = JSON.parse('{"__proto__":{"admin":true},"constructor":"c","n":1}');
      for (const format of ['json', 'bson'] as const) {
        const encoded = encodePayload(data, { format });
        const decoded = decodePayload(encoded.body, encoded.encoding);
        assert.equal(decoded.kind, 'data', format);
        const value = (decoded as { data: Record<string, unknown> }).data;
        assert.deepEqual(ownKeys(value), ['__proto__', 'constructor', 'n'], format);
        assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { admin: true });
        assert.equal(Object.getPrototypeOf(value), Object.prototype, `${format}: no prototype was replaced`);
      }
    });

    it('a MEGA event keeps __proto__ among its attributes, from event.* and from event.attributes', () => {
      const event = readMegaEvent(
        JSON.parse(
          '{"protocol":"mega","version":1,"event":{"name":"user.updated","timestamp":"2026-01-01T00:00:00Z","__proto__":"a","attributes":{"constructor":"b"}}}',
        ),
      );
      assert.deepEqual(ownKeys(event.event.attributes), ['__proto__', 'constructor']);
      assert.equal(Object.getOwnPropertyDescriptor(event.event.attributes, '__proto__')?.value, 'a');
    });

    it('an SNS envelope keeps a message attribute named __proto__', () => {
      const envelope = parseSnsEnvelope(
        JSON.parse(
          '{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:us-east-1:000000000000:t","Message":"hi","Timestamp":"2026-01-01T00:00:00.000Z","MessageAttributes":{"__proto__":{"Type":"String","Value":"v"}}}',
        ),
      );
      assert.equal(envelope?.kind, 'notification');
      const attributes = envelope?.kind === 'notification' ? envelope.notification.messageAttributes : {};
      assert.deepEqual(ownKeys(attributes), ['__proto__']);
      assert.deepEqual(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value, {
        Type: 'String',
        Value: 'v',
      });
    });

    it('a published message keeps a user attribute named __proto__', () => {
      const message = buildMessage(
        { n: 1 },
        { attributes: withKey('__proto__', 'v') as Record<string, string> },
        { encodingAttribute: false },
        { fifo: false, maxBytes: 262_144, sns: false },
      );
      assert.deepEqual(ownKeys(message.attributes), ['__proto__']);
      assert.deepEqual(Object.getOwnPropertyDescriptor(message.attributes, '__proto__')?.value, {
        DataType: 'String',
        StringValue: 'v',
      });
    });

    it('SNS attribute maps keep __proto__ for the pattern engine', () => {
      const values = attributeValues(withKey('__proto__', { Type: 'String', Value: 'v' }));
      assert.deepEqual(ownKeys(values), ['__proto__']);
    });
  });

  describe('patterns see them only when the payload has them', () => {
    for (const name of NAMES) {
      it(`JSON patterns on "${name}": exists, exact and anything-but, alone and in a matcher set, both scopes`, () => {
        const body = (policy: object) => compileJsonPattern(policy, { scope: 'MessageBody' });
        const existsFalse = body({ [name]: [{ exists: false }] });
        const existsTrue = body({ [name]: [{ exists: true }] });
        const exact = body({ [name]: ['x'] });
        const anythingBut = body({ [name]: [{ 'anything-but': ['y'] }] });
        const nested = body({ a: { [name]: [{ exists: false }] } });
        const set = new MatcherSet<string>();
        set.add('existsFalse', existsFalse);
        set.add('existsTrue', existsTrue);
        set.add('exact', exact);
        set.add('anythingBut', anythingBut);
        set.add('nested', nested);
        const cases: Array<[object, string[]]> = [
          [{}, ['existsFalse', 'nested']],
          [{ a: {} }, ['existsFalse', 'nested']],
          [withKey(name, 'x'), ['anythingBut', 'exact', 'existsTrue', 'nested']],
          [{ a: withKey(name, 'z') }, ['existsFalse']],
        ];
        const all = { existsFalse, existsTrue, exact, anythingBut, nested };
        for (const [payload, expected] of cases) {
          const alone = Object.entries(all)
            .filter(([, p]) => p.matches(payload))
            .map(([id]) => id)
            .sort();
          assert.deepEqual(alone, expected, `each pattern alone on ${JSON.stringify(payload)}`);
          assert.deepEqual(set.match(payload).sort(), expected, `the set on ${JSON.stringify(payload)}`);
        }

        // scope MessageAttributes (exists: false needs at least one attribute, as on SNS)
        const other = { other: { Type: 'String', Value: 'o' } };
        const attr = compileJsonPattern({ [name]: [{ exists: false }] });
        assert.equal(attr.matches(other), true, 'an attribute map without it');
        assert.equal(
          attr.matches({ ...other, ...withKey(name, { Type: 'String', Value: 'v' }) }),
          false,
          'an attribute map with it',
        );
      });
    }

    it('the DSL: an inherited name is missing unless the payload has it', () => {
      const pattern = compilePattern({ toString: not('x'), constructor: not('y') });
      assert.equal(pattern.matches({}), false, 'missing keys do not match, whatever the operator');
      assert.equal(pattern.matches({ toString: 'a', constructor: 'b' }), true);
      const nested = compilePattern({
        a: Object.defineProperty({}, '__proto__', { value: not(1), enumerable: true }),
      });
      assert.equal(nested.matches({ a: {} }), false);
      assert.equal(nested.matches({ a: withKey('__proto__', 2) }), true);
    });
  });
});
