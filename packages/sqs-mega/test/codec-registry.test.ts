// A new payload format is one codec registered once (issue 20, item 7): the encoder, the marker
// reader, the decoder and the publishers take it without edits, end to end through the real broker.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CodecError,
  codecNamed,
  decodeMessage,
  encodePayload,
  type PayloadCodec,
  registerCodec,
  SqsPublisher,
} from 'sqs-mega';
import { startTestBroker } from 'sqs-mega-broker/testing';

/** JSON, base64-wrapped: a format the built-in guesser would never pick for a marked body. */
const b64json: PayloadCodec = {
  name: 'b64json',
  carries: 'objects',
  mismatch: 'body is not base64 JSON',
  encode: (payload) => Buffer.from(JSON.stringify(payload)).toString('base64'),
  decode(body) {
    try {
      return JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    } catch {
      return undefined;
    }
  },
};
registerCodec(b64json);

describe('codec registry', () => {
  it('encodes and decodes with a registered codec, marker included', () => {
    const encoded = encodePayload({ a: 1 }, { format: 'b64json' });
    assert.equal(encoded.encoding, 'b64json');
    assert.deepEqual(encoded.messageAttributes, {
      'mega-encoding': { DataType: 'String', StringValue: 'b64json' },
    });
    const decoded = decodeMessage(encoded.body, encoded.messageAttributes);
    assert.equal(decoded.kind, 'data');
    assert.deepEqual(decoded.kind === 'data' && decoded.data, { a: 1 });
    assert.equal(decoded.kind === 'data' && decoded.encoding, 'b64json');
    const bad = decodeMessage('%%%', { 'mega-encoding': { DataType: 'String', StringValue: 'B64JSON' } });
    assert.equal(bad.kind === 'invalid' && bad.reason, 'body is not base64 JSON');
  });

  it('refuses objects with an unknown or raw codec, naming the format', () => {
    assert.throws(() => encodePayload({ a: 1 }, { format: 'nope' }), CodecError);
    assert.throws(() => encodePayload({ a: 1 }, { format: 'text' }), /format: "text"/);
    assert.equal(codecNamed('JSON')?.name, 'json');
  });

  const broker = startTestBroker();
  after(async () => (await broker).stop());

  it('publishes with it through SqsPublisher and reads it back from the broker', async () => {
    const { clientConfig } = await broker;
    const client = new SQSClient(clientConfig);
    const queueUrl =
      (await client.send(new CreateQueueCommand({ QueueName: 'codec-registry' }))).QueueUrl ?? '';
    await new SqsPublisher({ client, queueUrl, format: 'b64json' }).publish({ hello: 'world' });
    const got = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    const message = got.Messages?.[0];
    assert.ok(message?.Body);
    assert.equal(message.Body, Buffer.from('{"hello":"world"}').toString('base64'));
    const decoded = decodeMessage(message.Body, message.MessageAttributes);
    assert.deepEqual(decoded.kind === 'data' && decoded.data, { hello: 'world' });
    client.destroy();
  });
});
