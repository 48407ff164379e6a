import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { describeOverProtocols, queueName } from './support/clients.js';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

describeOverProtocols('SQS messages', ({ sqs, clock }) => {
  const newQueue = async (Attributes?: Record<string, string>) =>
    (await sqs().call('CreateQueue', { QueueName: queueName(), Attributes })).QueueUrl as string;
  const receive = async (QueueUrl: string, extra: Record<string, unknown> = {}) =>
    (await sqs().call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, ...extra })).Messages ?? [];

  it('sends, receives and deletes a message, with the MD5s AWS computes', async () => {
    const QueueUrl = await newQueue();
    const body = 'Hello, wörld! <&> "quotes" \r\n tab\t 🎉';
    const sent = await sqs().call('SendMessage', {
      QueueUrl,
      MessageBody: body,
      MessageAttributes: {
        name: { DataType: 'String', StringValue: 'Ünïcode' },
        count: { DataType: 'Number', StringValue: '42' },
        blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
        custom: { DataType: 'String.custom', StringValue: 'x' },
      },
    });
    assert.equal(sent.MD5OfMessageBody, md5(body));
    assert.match(sent.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);
    const [message] = await receive(QueueUrl, { MessageAttributeNames: ['All'] });
    assert.equal(message.Body, body);
    assert.equal(message.MessageId, sent.MessageId);
    assert.equal(message.MD5OfBody, md5(body));
    assert.equal(message.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(message.MessageAttributes.name.StringValue, 'Ünïcode');
    assert.equal(message.MessageAttributes.count.StringValue, '42');
    assert.deepEqual([...message.MessageAttributes.blob.BinaryValue], [0, 1, 2, 255]);
    assert.equal(message.MessageAttributes.custom.DataType, 'String.custom');
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle });
    await clock().advance(31_000);
    assert.deepEqual(await receive(QueueUrl), []);
  });

  it('returns only the message attributes asked for: names, prefix.* and All', async () => {
    const QueueUrl = await newQueue();
    const MessageAttributes = Object.fromEntries(
      ['a.x', 'a.y', 'b', 'c'].map((n) => [n, { DataType: 'String', StringValue: n }]),
    );
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm', MessageAttributes });
    const [none] = await receive(QueueUrl, { VisibilityTimeout: 0 });
    assert.equal(none.MessageAttributes, undefined);
    assert.equal(none.MD5OfMessageAttributes, undefined);
    const [some] = await receive(QueueUrl, { VisibilityTimeout: 0, MessageAttributeNames: ['a.*', 'c'] });
    assert.deepEqual(Object.keys(some.MessageAttributes).sort(), ['a.x', 'a.y', 'c']);
    const [all] = await receive(QueueUrl, { VisibilityTimeout: 0, MessageAttributeNames: ['All'] });
    assert.deepEqual(Object.keys(all.MessageAttributes).sort(), ['a.x', 'a.y', 'b', 'c']);
    assert.notEqual(some.MD5OfMessageAttributes, all.MD5OfMessageAttributes);
  });

  it('returns system attributes: receive count, timestamps, sender, trace header', async () => {
    const QueueUrl = await newQueue();
    const sentAt = clock().now();
    await sqs().call('SendMessage', {
      QueueUrl,
      MessageBody: 'm',
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } },
    });
    await clock().advance(1000);
    const [first] = await receive(QueueUrl, { VisibilityTimeout: 0, AttributeNames: ['All'] });
    assert.equal(first.Attributes.ApproximateReceiveCount, '1');
    assert.equal(first.Attributes.SentTimestamp, String(sentAt));
    assert.equal(first.Attributes.ApproximateFirstReceiveTimestamp, String(sentAt + 1000));
    assert.equal(first.Attributes.SenderId, 'test');
    assert.equal(first.Attributes.AWSTraceHeader, 'Root=1-abc');
    await clock().advance(1000);
    const [second] = await receive(QueueUrl, {
      AttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'],
    });
    assert.deepEqual(second.Attributes, {
      ApproximateReceiveCount: '2',
      ApproximateFirstReceiveTimestamp: String(sentAt + 1000),
    });
    assert.equal(
      (await sqs().error('ReceiveMessage', { QueueUrl, AttributeNames: ['Nope'] })).name,
      'InvalidAttributeName',
    );
  });

  it('accepts a message of exactly MaximumMessageSize bytes (body + attributes) and rejects one byte more', async () => {
    const QueueUrl = await newQueue();
    const attr = { a: { DataType: 'String', StringValue: 'xyz' } }; // 1 + 6 + 3 = 10 bytes
    await sqs().call('SendMessage', {
      QueueUrl,
      MessageBody: 'é'.repeat((1048576 - 10) / 2),
      MessageAttributes: attr,
    });
    const error = await sqs().error('SendMessage', {
      QueueUrl,
      MessageBody: `${'é'.repeat((1048576 - 10) / 2)}x`,
      MessageAttributes: attr,
    });
    assert.equal(error.name, 'InvalidParameterValue');
    assert.match(
      error.message,
      /Reason: Message must be at most 1048576 bytes \(MaximumMessageSize\); this one is 1048577 bytes/,
    );
    const small = await newQueue({ MaximumMessageSize: '1024' });
    assert.match(
      (await sqs().error('SendMessage', { QueueUrl: small, MessageBody: 'x'.repeat(1025) })).message,
      /1024 bytes/,
    );
  });

  it('rejects empty bodies, invalid characters, bad attributes and out-of-range delays', async () => {
    const QueueUrl = await newQueue();
    assert.equal((await sqs().error('SendMessage', { QueueUrl, MessageBody: '' })).name, 'MissingParameter');
    assert.equal(
      (await sqs().error('SendMessage', { QueueUrl, MessageBody: 'bad \u0001 char' })).name,
      'InvalidMessageContents',
    );
    assert.equal(
      (await sqs().error('SendMessage', { QueueUrl, MessageBody: 'x', DelaySeconds: 901 })).name,
      'InvalidParameterValue',
    );
    const eleven = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]),
    );
    const tooMany = await sqs().error('SendMessage', {
      QueueUrl,
      MessageBody: 'x',
      MessageAttributes: eleven,
    });
    assert.match(tooMany.message, /\[11\] exceeds the allowed maximum \[10\]/);
    const bads = [
      { 'AWS.reserved': { DataType: 'String', StringValue: 'v' } },
      { 'a..b': { DataType: 'String', StringValue: 'v' } },
      { '.a': { DataType: 'String', StringValue: 'v' } },
      { a: { DataType: 'Text', StringValue: 'v' } },
      { a: { DataType: 'Number', StringValue: 'NaN' } },
      { a: { DataType: 'Number', StringValue: '1'.repeat(39) } },
      { a: { DataType: 'String', StringValue: '' } },
    ];
    for (const MessageAttributes of bads) {
      const error = await sqs().error('SendMessage', { QueueUrl, MessageBody: 'x', MessageAttributes });
      assert.equal(error.name, 'InvalidParameterValue', JSON.stringify(MessageAttributes));
    }
  });

  it('SendMessageBatch reports each entry on its own and enforces the batch rules', async () => {
    const QueueUrl = await newQueue();
    const result = await sqs().call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'ok-1', MessageBody: 'one' },
        { Id: 'bad', MessageBody: 'x', DelaySeconds: 1000 },
        {
          Id: 'ok_2',
          MessageBody: 'two',
          MessageAttributes: { k: { DataType: 'Number', StringValue: '1.5' } },
        },
      ],
    });
    assert.deepEqual(
      result.Successful.map((e: { Id: string }) => e.Id),
      ['ok-1', 'ok_2'],
    );
    assert.equal(result.Successful[0].MD5OfMessageBody, md5('one'));
    assert.equal(result.Failed.length, 1);
    assert.equal(result.Failed[0].Id, 'bad');
    assert.equal(result.Failed[0].SenderFault, true);
    assert.equal(result.Failed[0].Code, 'InvalidParameterValue');
    const bodies = (await receive(QueueUrl)).map((m: { Body: string }) => m.Body).sort();
    assert.deepEqual(bodies, ['one', 'two']);

    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    assert.equal(
      (await sqs().error('SendMessageBatch', { QueueUrl, Entries: entries(11) })).name,
      'TooManyEntriesInBatchRequest',
    );
    assert.equal(
      (await sqs().error('SendMessageBatch', { QueueUrl, Entries: [] })).name,
      'EmptyBatchRequest',
    );
    const same = [
      { Id: 'a', MessageBody: 'x' },
      { Id: 'a', MessageBody: 'y' },
    ];
    assert.equal(
      (await sqs().error('SendMessageBatch', { QueueUrl, Entries: same })).name,
      'BatchEntryIdsNotDistinct',
    );
    const badId = [{ Id: 'no spaces', MessageBody: 'x' }];
    assert.equal(
      (await sqs().error('SendMessageBatch', { QueueUrl, Entries: badId })).name,
      'InvalidBatchEntryId',
    );
    const big = Array.from({ length: 2 }, (_, i) => ({ Id: `b${i}`, MessageBody: 'x'.repeat(600_000) }));
    assert.equal(
      (await sqs().error('SendMessageBatch', { QueueUrl, Entries: big })).name,
      'BatchRequestTooLong',
    );
  });

  it('hides a received message for the visibility timeout, then delivers it again with a new receipt handle', async () => {
    const QueueUrl = await newQueue({ VisibilityTimeout: '10' });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm' });
    const [first] = await receive(QueueUrl);
    assert.deepEqual(await receive(QueueUrl), []);
    await clock().advance(9_999);
    assert.deepEqual(await receive(QueueUrl), []);
    await clock().advance(1);
    const [second] = await receive(QueueUrl, { VisibilityTimeout: 100 });
    assert.equal(second.MessageId, first.MessageId);
    assert.notEqual(second.ReceiptHandle, first.ReceiptHandle);
    await clock().advance(99_000);
    assert.deepEqual(await receive(QueueUrl), []);
    // the stale handle succeeds but deletes nothing (as SQS documents); the current one deletes
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: first.ReceiptHandle });
    await clock().advance(1_000);
    const [third] = await receive(QueueUrl);
    assert.equal(third.MessageId, first.MessageId);
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: third.ReceiptHandle });
    const counts = await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    assert.equal(counts.Attributes.ApproximateNumberOfMessages, '0');
    assert.equal(counts.Attributes.ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('ChangeMessageVisibility extends, shortens and releases; errors for garbage and stale handles; a timed-out one still works', async () => {
    const QueueUrl = await newQueue();
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm' });
    const [m] = await receive(QueueUrl);
    await sqs().call('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: m.ReceiptHandle,
      VisibilityTimeout: 300,
    });
    await clock().advance(299_000);
    assert.deepEqual(await receive(QueueUrl), []);
    await sqs().call('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: m.ReceiptHandle,
      VisibilityTimeout: 0,
    });
    const [again] = await receive(QueueUrl, { VisibilityTimeout: 5 });
    assert.equal(again.MessageId, m.MessageId);
    const stale = await sqs().error('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: m.ReceiptHandle,
      VisibilityTimeout: 5,
    });
    assert.equal(stale.name, 'InvalidParameterValue');
    const garbage = await sqs().error('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: 'garbage',
      VisibilityTimeout: 5,
    });
    assert.equal(garbage.name, 'ReceiptHandleIsInvalid');
    assert.equal(garbage.$metadata.httpStatusCode, 404);
    await clock().advance(5_000);
    // timed out but not received again: a standard queue takes the change and hides the message again
    await sqs().call('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: again.ReceiptHandle,
      VisibilityTimeout: 5,
    });
    assert.deepEqual(await receive(QueueUrl), []);
    assert.equal(
      (await sqs().error('DeleteMessage', { QueueUrl, ReceiptHandle: 'garbage' })).name,
      'ReceiptHandleIsInvalid',
    );
  });

  it('caps the total visibility at 12 hours from the receive', async () => {
    const QueueUrl = await newQueue();
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm' });
    const [m] = await receive(QueueUrl);
    await clock().advance(1_000);
    const error = await sqs().error('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: m.ReceiptHandle,
      VisibilityTimeout: 43_200,
    });
    assert.equal(error.name, 'InvalidParameterValue');
    assert.match(error.message, /43200 seconds/);
    await sqs().call('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: m.ReceiptHandle,
      VisibilityTimeout: 43_199,
    });
  });

  it('batch delete and batch visibility change report per-entry results', async () => {
    const QueueUrl = await newQueue();
    await sqs().call('SendMessageBatch', {
      QueueUrl,
      Entries: [0, 1, 2].map((i) => ({ Id: `m${i}`, MessageBody: `b${i}` })),
    });
    const messages = await receive(QueueUrl);
    assert.equal(messages.length, 3);
    const changed = await sqs().call('ChangeMessageVisibilityBatch', {
      QueueUrl,
      Entries: [
        { Id: 'a', ReceiptHandle: messages[0].ReceiptHandle, VisibilityTimeout: 0 },
        { Id: 'b', ReceiptHandle: 'garbage', VisibilityTimeout: 0 },
      ],
    });
    assert.deepEqual(
      changed.Successful.map((e: { Id: string }) => e.Id),
      ['a'],
    );
    assert.equal(changed.Failed[0].Code, 'ReceiptHandleIsInvalid');
    const deleted = await sqs().call('DeleteMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'x', ReceiptHandle: messages[1].ReceiptHandle },
        { Id: 'y', ReceiptHandle: messages[2].ReceiptHandle },
        { Id: 'z', ReceiptHandle: 'garbage' },
      ],
    });
    assert.deepEqual(deleted.Successful.map((e: { Id: string }) => e.Id).sort(), ['x', 'y']);
    assert.equal(deleted.Failed[0].Id, 'z');
    const left = await receive(QueueUrl);
    assert.deepEqual(
      left.map((m: { Body: string }) => m.Body),
      [messages[0].Body],
    );
  });

  it('delays messages per queue and per message, and counts them as delayed', async () => {
    const QueueUrl = await newQueue({ DelaySeconds: '5' });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'queue-delay' });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'no-delay', DelaySeconds: 0 });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'long-delay', DelaySeconds: 900 });
    const counts = await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    assert.equal(counts.Attributes.ApproximateNumberOfMessages, '1');
    assert.equal(counts.Attributes.ApproximateNumberOfMessagesDelayed, '2');
    const hold = { VisibilityTimeout: 43_200 };
    assert.deepEqual(
      (await receive(QueueUrl, hold)).map((m: { Body: string }) => m.Body),
      ['no-delay'],
    );
    await clock().advance(5_000);
    assert.deepEqual(
      (await receive(QueueUrl, hold)).map((m: { Body: string }) => m.Body),
      ['queue-delay'],
    );
    await clock().advance(894_999);
    assert.deepEqual(await receive(QueueUrl), []);
    await clock().advance(1);
    assert.deepEqual(
      (await receive(QueueUrl)).map((m: { Body: string }) => m.Body),
      ['long-delay'],
    );
    const inFlight = await sqs().call('GetQueueAttributes', {
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
    });
    assert.equal(inFlight.Attributes.ApproximateNumberOfMessagesNotVisible, '3');
  });

  it('validates receive parameters', async () => {
    const QueueUrl = await newQueue();
    for (const input of [
      { MaxNumberOfMessages: 11 },
      { MaxNumberOfMessages: 0 },
      { WaitTimeSeconds: 21 },
      { VisibilityTimeout: 43_201 },
    ]) {
      const error = await sqs().error('ReceiveMessage', { QueueUrl, ...input });
      assert.equal(error.name, 'InvalidParameterValue', JSON.stringify(input));
      assert.match(error.message, new RegExp(Object.keys(input)[0] as string));
    }
  });
});
