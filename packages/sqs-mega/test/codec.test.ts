import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { serialize } from 'bson';
import {
  canonicalJson,
  createMegaEvent,
  type DecodedMessage,
  decodeMessage,
  decodePayload,
  decodeStrictBase64,
  encodePayload,
} from '../src/index.js';

const event = createMegaEvent({ name: 'user.updated', timestamp: '2020-05-04T15:53:27.823Z', subject: '1' });
const kindOf = (d: DecodedMessage): string => d.kind;

describe('encoding', () => {
  it('writes JSON with sorted keys: deep-equal inputs give byte-identical bodies (content-based dedup)', () => {
    const a = encodePayload({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } });
    const b = encodePayload({ a: { c: 'x', d: [1, { x: 1, y: 2 }] }, b: 1 });
    assert.equal(a.body, '{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}');
    assert.equal(a.body, b.body);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    assert.equal(sha(a.body), sha(b.body));
  });

  it('marks each encoding with the mega-encoding message attribute', () => {
    assert.deepEqual(encodePayload(event).messageAttributes, {
      'mega-encoding': { DataType: 'String', StringValue: 'json' },
    });
    assert.equal(encodePayload(event, { format: 'bson' }).encoding, 'bson');
    assert.equal(encodePayload('hello').encoding, 'text');
    assert.equal(encodePayload(new Uint8Array([1, 2, 3])).encoding, 'binary');
  });

  it('sends strings as plaintext and bytes as base64', () => {
    assert.equal(encodePayload('hello world').body, 'hello world');
    assert.equal(encodePayload(new Uint8Array([0, 255, 16])).body, 'AP8Q');
  });

  it('round-trips a MEGA event through BSON+base64, marked or guessed', () => {
    const encoded = encodePayload(event, { format: 'bson' });
    for (const decoded of [
      decodeMessage(encoded.body, encoded.messageAttributes),
      decodeMessage(encoded.body),
    ]) {
      assert.equal(decoded.kind, 'mega');
      if (decoded.kind === 'mega') assert.deepEqual(decoded.event, event);
    }
  });

  it('refuses to encode a non-object as BSON', () => {
    assert.throws(() => encodePayload([1, 2], { format: 'bson' }), /non-object as BSON/);
  });
});

describe('decoding without a marker (the SQS MEGA order, without its traps)', () => {
  it('JSON object with protocol mega v1 → mega event; other objects → data', () => {
    assert.equal(decodePayload(JSON.stringify(event)).kind, 'mega');
    assert.deepEqual(decodePayload('{"type":"x"}'), { kind: 'data', data: { type: 'x' }, encoding: 'json' });
  });

  it('JSON that is not an object is data, not an error', () => {
    assert.deepEqual(decodePayload('[1,2]'), { kind: 'data', data: [1, 2], encoding: 'json' });
    assert.deepEqual(decodePayload('42'), { kind: 'data', data: 42, encoding: 'json' });
    assert.deepEqual(decodePayload('"quoted"'), { kind: 'data', data: 'quoted', encoding: 'json' });
  });

  it('an invalid MEGA event is reported with its reason', () => {
    const d = decodePayload(
      '{"protocol":"mega","version":1,"event":{"name":"BAD","timestamp":"2020-01-01"}}',
    );
    assert.equal(d.kind, 'invalid');
    if (d.kind === 'invalid') assert.equal(d.field, 'event.name');
  });

  it('base64 of BSON → data object', () => {
    const body = Buffer.from(serialize({ hello: 'world' })).toString('base64');
    assert.deepEqual(decodePayload(body), { kind: 'data', data: { hello: 'world' }, encoding: 'bson' });
  });

  it('strict base64 that is not BSON → binary', () => {
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04]);
    const d = decodePayload(bytes.toString('base64'));
    assert.equal(d.kind, 'binary');
    if (d.kind === 'binary') assert.deepEqual(Buffer.from(d.bytes), bytes);
  });

  it('short words and single-case words that happen to be valid base64 stay plaintext', () => {
    for (const word of ['test', 'abcd', 'Hello123', 'helloworld', 'BUSINESS', 'Business']) {
      assert.deepEqual(decodePayload(word), { kind: 'text', text: word, encoding: 'text' }, word);
    }
  });

  it('non-canonical or non-strict base64 is plaintext', () => {
    assert.equal(decodeStrictBase64('QR=='), undefined); // unused bits set
    assert.equal(decodeStrictBase64('aGVsbG8'), undefined); // missing padding
    assert.equal(decodeStrictBase64('aGVs bG8='), undefined); // whitespace
    assert.equal(decodePayload('this is a message body').kind, 'text');
    assert.equal(decodePayload('').kind, 'text');
  });
});

describe('decoding with a marker', () => {
  const marked = (encoding: string) => ({ 'mega-encoding': { DataType: 'String', StringValue: encoding } });

  it('honours the marker instead of guessing', () => {
    assert.deepEqual(decodeMessage('test', marked('binary')), {
      kind: 'binary',
      bytes: new Uint8Array(Buffer.from('test', 'base64')),
      encoding: 'binary',
      marked: true,
    });
    assert.deepEqual(decodeMessage('{"a":1}', marked('text')), {
      kind: 'text',
      text: '{"a":1}',
      encoding: 'text',
      marked: true,
    });
  });

  it('reports a body that does not fit its marker as invalid', () => {
    const d = decodeMessage('not json', marked('json'));
    assert.equal(d.kind, 'invalid');
    if (d.kind === 'invalid') assert.match(d.reason, /not valid JSON/);
    assert.equal(kindOf(decodeMessage('@@@', marked('bson'))), 'invalid');
  });

  it('accepts the marker in SNS form ({Type, Value})', () => {
    const d = decodeMessage('abcd', { 'mega-encoding': { Type: 'String', Value: 'binary' } });
    assert.equal(d.kind, 'binary');
  });
});

describe('SNS envelopes', () => {
  const envelope = (message: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      Type: 'Notification',
      MessageId: 'm-1',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders',
      Subject: 'hi',
      Message: message,
      Timestamp: '2024-01-01T00:00:00.000Z',
      SignatureVersion: '1',
      Signature: 'c2ln',
      SigningCertURL: 'https://example/cert.pem',
      UnsubscribeURL: 'https://example/unsub',
      ...extra,
    });

  it('unwraps a notification, decodes the inner Message and keeps the envelope', () => {
    const d = decodeMessage(
      envelope(JSON.stringify(event), {
        MessageAttributes: {
          tags: { Type: 'String.Array', Value: '["a","b"]' },
          price: { Type: 'Number', Value: '10.5' },
        },
      }),
    );
    assert.equal(d.kind, 'mega');
    if (d.kind !== 'mega') return;
    assert.deepEqual(d.event, event);
    assert.equal(d.sns?.topicArn, 'arn:aws:sns:us-east-1:000000000000:orders');
    assert.equal(d.sns?.messageId, 'm-1');
    assert.equal(d.sns?.subject, 'hi');
    assert.equal(d.sns?.timestamp, '2024-01-01T00:00:00.000Z');
    assert.equal(d.sns?.unsubscribeUrl, 'https://example/unsub');
    assert.deepEqual(d.sns?.messageAttributes, {
      tags: { Type: 'String.Array', Value: '["a","b"]' },
      price: { Type: 'Number', Value: '10.5' },
    });
  });

  it('decodes the inner message with the same order and honours a marker in the envelope attributes', () => {
    assert.equal(kindOf(decodeMessage(envelope('test'))), 'text');
    const bson = encodePayload({ a: 1 }, { format: 'bson' }).body;
    assert.equal(kindOf(decodeMessage(envelope(bson))), 'data');
    const marked = decodeMessage(
      envelope('abcd', { MessageAttributes: { 'mega-encoding': { Type: 'String', Value: 'binary' } } }),
    );
    assert.equal(marked.kind, 'binary');
  });

  it('recognises SubscriptionConfirmation and UnsubscribeConfirmation', () => {
    const body = JSON.stringify({
      Type: 'SubscriptionConfirmation',
      MessageId: 'm-2',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders',
      Token: 'tok',
      SubscribeURL: 'https://example/confirm',
      Message: 'You have chosen to subscribe',
      Timestamp: '2024-01-01T00:00:00.000Z',
    });
    const d = decodeMessage(body);
    assert.equal(d.kind, 'sns-confirmation');
    if (d.kind === 'sns-confirmation') {
      assert.equal(d.type, 'SubscriptionConfirmation');
      assert.equal(d.token, 'tok');
      assert.equal(d.subscribeUrl, 'https://example/confirm');
    }
    const un = decodeMessage(body.replace('SubscriptionConfirmation', 'UnsubscribeConfirmation'));
    assert.equal(un.kind === 'sns-confirmation' && un.type, 'UnsubscribeConfirmation');
  });

  it('treats raw-delivery bodies and look-alikes without the envelope fields as ordinary bodies', () => {
    const d = decodeMessage(JSON.stringify({ Type: 'Notification', Message: 'x' }));
    assert.equal(d.kind, 'data');
    assert.equal('sns' in d ? d.sns : undefined, undefined);
  });
});

describe('canonicalJson', () => {
  it('drops undefined members and honours toJSON like JSON.stringify', () => {
    assert.equal(canonicalJson({ b: undefined, a: new Date(0) }), '{"a":"1970-01-01T00:00:00.000Z"}');
  });
});
