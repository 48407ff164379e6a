import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOverProtocols, queueName } from './support/clients.js';

describeOverProtocols('SQS FIFO queues', ({ sqs, clock }) => {
  const newQueue = async (Attributes: Record<string, string> = {}) =>
    (
      await sqs().call('CreateQueue', {
        QueueName: `${queueName()}.fifo`,
        Attributes: { FifoQueue: 'true', ...Attributes },
      })
    ).QueueUrl as string;
  const send = (QueueUrl: string, body: string, group = 'g', extra: Record<string, unknown> = {}) =>
    sqs().call('SendMessage', {
      QueueUrl,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: body,
      ...extra,
    });
  const receive = async (QueueUrl: string, extra: Record<string, unknown> = {}) =>
    (await sqs().call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, ...extra })).Messages ?? [];
  const bodies = (messages: Array<{ Body: string }>) => messages.map((m) => m.Body);

  it('requires MessageGroupId, refuses per-message delays and a missing deduplication id', async () => {
    const QueueUrl = await newQueue();
    const noGroup = await sqs().error('SendMessage', {
      QueueUrl,
      MessageBody: 'm',
      MessageDeduplicationId: 'd',
    });
    assert.equal(noGroup.name, 'MissingParameter');
    const badGroup = await sqs().error('SendMessage', {
      QueueUrl,
      MessageBody: 'm',
      MessageGroupId: 'x'.repeat(129),
      MessageDeduplicationId: 'd',
    });
    assert.equal(badGroup.name, 'InvalidParameterValue');
    assert.equal(
      (await sqs().error('SendMessage', { QueueUrl, MessageBody: 'm', MessageGroupId: 'a b' })).name,
      'InvalidParameterValue',
    );
    const delayed = await sqs().error('SendMessage', {
      QueueUrl,
      MessageBody: 'm',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
      DelaySeconds: 5,
    });
    assert.equal(delayed.name, 'InvalidParameterValue');
    const noDedup = await sqs().error('SendMessage', { QueueUrl, MessageBody: 'm', MessageGroupId: 'g' });
    assert.equal(noDedup.name, 'InvalidParameterValue');
    assert.match(noDedup.message, /ContentBasedDeduplication/);
  });

  it('answers a duplicate within 5 minutes like the original, without enqueueing it twice', async () => {
    const QueueUrl = await newQueue();
    const first = await send(QueueUrl, 'a');
    await clock().advance(4 * 60_000);
    const again = await send(QueueUrl, 'a');
    assert.equal(again.MessageId, first.MessageId);
    assert.equal(again.SequenceNumber, first.SequenceNumber);
    const [message] = await receive(QueueUrl);
    assert.equal(message.MessageId, first.MessageId);
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle });
    await clock().advance(61_000);
    const later = await send(QueueUrl, 'a');
    assert.notEqual(later.MessageId, first.MessageId);
    assert.deepEqual(bodies(await receive(QueueUrl)), ['a']);
  });

  it('deduplicates by the SHA-256 of the body with ContentBasedDeduplication', async () => {
    const QueueUrl = await newQueue({ ContentBasedDeduplication: 'true' });
    const a = await sqs().call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'g' });
    const b = await sqs().call('SendMessage', { QueueUrl, MessageBody: 'same', MessageGroupId: 'h' });
    const c = await sqs().call('SendMessage', { QueueUrl, MessageBody: 'other', MessageGroupId: 'g' });
    assert.equal(b.MessageId, a.MessageId);
    assert.notEqual(c.MessageId, a.MessageId);
    const [m] = await receive(QueueUrl, { AttributeNames: ['MessageDeduplicationId'] });
    assert.match(m.Attributes.MessageDeduplicationId, /^[0-9a-f]{64}$/);
  });

  it('deduplicates per message group with DeduplicationScope=messageGroup', async () => {
    const QueueUrl = await newQueue({
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });
    const a = await send(QueueUrl, 'm', 'g1');
    const b = await send(QueueUrl, 'm', 'g2');
    const c = await send(QueueUrl, 'm', 'g1');
    assert.notEqual(b.MessageId, a.MessageId);
    assert.equal(c.MessageId, a.MessageId);
    assert.equal((await receive(QueueUrl)).length, 2);
  });

  it('gives strictly increasing sequence numbers, returned on send and as a system attribute', async () => {
    const QueueUrl = await newQueue();
    const sent = [];
    for (const body of ['a', 'b', 'c'])
      sent.push((await send(QueueUrl, body, body)).SequenceNumber as string);
    const batch = await sqs().call('SendMessageBatch', {
      QueueUrl,
      Entries: ['d', 'e'].map((b) => ({
        Id: b,
        MessageBody: b,
        MessageGroupId: 'g',
        MessageDeduplicationId: b,
      })),
    });
    for (const entry of batch.Successful) sent.push(entry.SequenceNumber as string);
    for (let i = 1; i < sent.length; i++) assert.ok(BigInt(sent[i]!) > BigInt(sent[i - 1]!), `${sent}`);
    const got = await receive(QueueUrl, { AttributeNames: ['All'] });
    const bySeq = Object.fromEntries(
      got.map((m: { Body: string; Attributes: Record<string, string> }) => [
        m.Body,
        m.Attributes.SequenceNumber,
      ]),
    );
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e'].map((b) => bySeq[b]),
      sent,
    );
    assert.equal(got[0].Attributes.MessageGroupId, 'a');

    // a batch reserves its numbers at once: a duplicate inside it answers with the original's
    // number and leaves its own unused; later sends still get greater numbers
    const withDuplicate = await sqs().call('SendMessageBatch', {
      QueueUrl,
      Entries: ['f', 'g', 'f', 'h'].map((b, i) => ({
        Id: `e${i}`,
        MessageBody: b,
        MessageGroupId: 'g',
        MessageDeduplicationId: b,
      })),
    });
    const numbers = withDuplicate.Successful.map((e: { SequenceNumber: string }) => BigInt(e.SequenceNumber));
    assert.equal(numbers[2], numbers[0], 'the duplicate names the original');
    assert.ok(numbers[0] > BigInt(sent.at(-1)!) && numbers[1] > numbers[0] && numbers[3] > numbers[1]);
    const next = BigInt((await send(QueueUrl, 'i', 'i')).SequenceNumber as string);
    assert.ok(next > numbers[3], 'numbers keep increasing after a batch');
  });

  it('delivers a group in order, nothing more of it while a message is in flight, other groups meanwhile', async () => {
    const QueueUrl = await newQueue();
    for (let i = 0; i < 5; i++) await send(QueueUrl, `a${i}`, 'A');
    for (let i = 0; i < 3; i++) await send(QueueUrl, `b${i}`, 'B');
    const first = await receive(QueueUrl, { MaxNumberOfMessages: 2, VisibilityTimeout: 30 });
    assert.deepEqual(bodies(first), ['a0', 'a1']);
    // group A is blocked; B proceeds
    assert.deepEqual(bodies(await receive(QueueUrl, { MaxNumberOfMessages: 1 })), ['b0']);
    assert.deepEqual(await receive(QueueUrl), []);
    // deleting a0 does not release A while a1 is still in flight
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: first[0].ReceiptHandle });
    assert.deepEqual(await receive(QueueUrl), []);
    // a1's visibility expires: it comes back first, followed by the rest of A, in order
    await clock().advance(30_000);
    const again = await receive(QueueUrl);
    assert.deepEqual(bodies(again), ['a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2']);
  });

  it('releases a group when its in-flight message is deleted or made visible', async () => {
    const QueueUrl = await newQueue();
    for (const b of ['x0', 'x1', 'x2']) await send(QueueUrl, b, 'X');
    const [m0] = await receive(QueueUrl, { MaxNumberOfMessages: 1 });
    assert.deepEqual(await receive(QueueUrl), []);
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: m0.ReceiptHandle });
    const [m1] = await receive(QueueUrl, { MaxNumberOfMessages: 1 });
    assert.equal(m1.Body, 'x1');
    await sqs().call('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: m1.ReceiptHandle,
      VisibilityTimeout: 0,
    });
    assert.deepEqual(bodies(await receive(QueueUrl)), ['x1', 'x2']);
  });

  it('returns the same messages and receipt handles to a receive retried with the same ReceiveRequestAttemptId', async () => {
    const QueueUrl = await newQueue();
    for (const b of ['r0', 'r1', 'r2']) await send(QueueUrl, b, 'R');
    const first = await receive(QueueUrl, {
      ReceiveRequestAttemptId: 'attempt-1',
      MaxNumberOfMessages: 2,
    });
    await clock().advance(60_000);
    const retry = await receive(QueueUrl, {
      ReceiveRequestAttemptId: 'attempt-1',
      MaxNumberOfMessages: 2,
    });
    assert.deepEqual(bodies(retry), ['r0', 'r1']);
    assert.deepEqual(
      retry.map((m: { ReceiptHandle: string }) => m.ReceiptHandle),
      first.map((m: { ReceiptHandle: string }) => m.ReceiptHandle),
    );
    // another attempt id is a new receive: the group is still in flight
    assert.deepEqual(await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-2' }), []);
    // after the 5-minute window the id is forgotten
    await clock().advance(5 * 60_000);
    const fresh = await receive(QueueUrl, { ReceiveRequestAttemptId: 'attempt-1' });
    assert.deepEqual(bodies(fresh), ['r0', 'r1', 'r2']);
    assert.notEqual(fresh[0].ReceiptHandle, first[0].ReceiptHandle);
    const bad = await sqs().error('ReceiveMessage', {
      QueueUrl,
      ReceiveRequestAttemptId: 'x'.repeat(129),
    });
    assert.equal(bad.name, 'InvalidParameterValue');
  });

  it('counts FIFO messages and purges them, groups included', async () => {
    const QueueUrl = await newQueue();
    for (const b of ['p0', 'p1', 'p2']) await send(QueueUrl, b, 'P');
    await receive(QueueUrl, { MaxNumberOfMessages: 1 });
    const { Attributes } = await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    assert.equal(Attributes.ApproximateNumberOfMessages, '2');
    assert.equal(Attributes.ApproximateNumberOfMessagesNotVisible, '1');
    assert.equal(Attributes.FifoQueue, 'true');
    await sqs().call('PurgeQueue', { QueueUrl });
    await clock().advance(1);
    await send(QueueUrl, 'p3', 'P');
    assert.deepEqual(bodies(await receive(QueueUrl)), ['p3']);
  });
});
