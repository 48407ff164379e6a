import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestBroker } from 'sqs-mega-broker/testing';
import { PROTOCOLS, queueName, type Sqs, setup, sqsClient } from './support/clients.js';

// biome-ignore lint/suspicious/noExplicitAny: test convenience: outputs are asserted field by field
type Any = any;

/** Queue helpers over one client. */
function helpers(sqs: () => Sqs) {
  const create = async (QueueName: string, Attributes: Record<string, string> = {}) =>
    (await sqs().call('CreateQueue', { QueueName, Attributes })).QueueUrl as string;
  const arnOf = async (QueueUrl: string) =>
    (await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] })).Attributes
      .QueueArn as string;
  const receive = async (QueueUrl: string, extra: Record<string, unknown> = {}): Promise<Any[]> =>
    (
      await sqs().call('ReceiveMessage', {
        QueueUrl,
        MaxNumberOfMessages: 10,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...extra,
      })
    ).Messages ?? [];
  const count = async (QueueUrl: string) => {
    const { Attributes } = await sqs().call('GetQueueAttributes', {
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    });
    return (
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible)
    );
  };
  /** Everything receivable from a queue now, deleted as it is read. */
  const drain = async (QueueUrl: string): Promise<Any[]> => {
    const out: Any[] = [];
    for (;;) {
      const got = await receive(QueueUrl);
      if (got.length === 0) return out;
      out.push(...got);
      for (const m of got) await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
    }
  };
  /** A source queue with a dead-letter queue (maxReceiveCount 1). */
  const pair = async (fifo = false) => {
    const suffix = fifo ? '.fifo' : '';
    const fifoAttrs: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
    const dlq = await create(`${queueName('dlq')}${suffix}`, fifoAttrs);
    const dlqArn = await arnOf(dlq);
    const source = await create(`${queueName('src')}${suffix}`, {
      ...fifoAttrs,
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    return { dlq, dlqArn, source, sourceArn: await arnOf(source) };
  };
  /** Sends `bodies` to `source` and has them dead-lettered (received once, then again). */
  const deadLetter = async (
    source: string,
    dlq: string,
    bodies: string[],
    extra: (i: number) => Record<string, unknown> = () => ({}),
  ) => {
    const sent: Any[] = [];
    for (const [i, body] of bodies.entries()) {
      sent.push(await sqs().call('SendMessage', { QueueUrl: source, MessageBody: body, ...extra(i) }));
    }
    const expected = (await count(dlq)) + bodies.length;
    for (let i = 0; i < 100 && (await count(dlq)) < expected; i++) {
      await receive(source, { VisibilityTimeout: 0 });
    }
    assert.equal(await count(dlq), expected, 'all messages dead-lettered');
    return sent;
  };
  const tasks = async (SourceArn: string, MaxResults = 10): Promise<Any[]> =>
    (await sqs().call('ListMessageMoveTasks', { SourceArn, MaxResults })).Results ?? [];
  return { create, arnOf, receive, count, drain, pair, deadLetter, tasks };
}

const bodies = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('SQS message move tasks', async () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup({ time: 'manual' });
  });
  after(() => env.teardown());

  for (const protocol of PROTOCOLS) {
    describe(`over ${protocol}`, () => {
      const sqs = () => env.clients[protocol];
      const clock = () => env.broker.testClock!;
      const h = helpers(sqs);
      /** The error message of a raw Query StartMessageMoveTask with the given form parameters. */
      const rawQueryError = async (form: string) => {
        const response = await fetch(env.broker.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `Action=StartMessageMoveTask&Version=2012-11-05&${form}`,
        });
        assert.equal(response.status, 404);
        const xml = await response.text();
        assert.match(xml, /<Code>ResourceNotFoundException<\/Code>/);
        return /<Message>(.*)<\/Message>/.exec(xml)?.[1]?.replaceAll('&apos;', "'");
      };

      it('redrives every message to the queue it was dead-lettered from, keeping id, body and attributes', async () => {
        const a = await h.pair();
        const b = await h.create(queueName('src-b'), {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: a.dlqArn, maxReceiveCount: 1 }),
        });
        const sentA = await h.deadLetter(a.source, a.dlq, ['a0', 'a1'], () => ({
          MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
        }));
        await h.deadLetter(b, a.dlq, ['b0', 'b1', 'b2'].slice(0, 1));
        const { TaskHandle } = await sqs().call('StartMessageMoveTask', { SourceArn: a.dlqArn });
        assert.ok(TaskHandle);
        await clock().advance(100);
        const [task] = await h.tasks(a.dlqArn);
        assert.equal(task.Status, 'COMPLETED');
        assert.equal(task.ApproximateNumberOfMessagesMoved, 3);
        assert.equal(task.ApproximateNumberOfMessagesToMove, 3);
        assert.equal(task.SourceArn, a.dlqArn);
        assert.equal(task.DestinationArn, undefined);
        assert.equal(task.TaskHandle, undefined, 'only a RUNNING task shows its handle');
        assert.equal(task.MaxNumberOfMessagesPerSecond, undefined);
        assert.equal(typeof task.StartedTimestamp, 'number');
        assert.equal(await h.count(a.dlq), 0);
        const backA = await h.drain(a.source);
        assert.deepEqual(backA.map((m) => m.Body).sort(), ['a0', 'a1']);
        const a0 = backA.find((m) => m.Body === 'a0');
        assert.equal(a0.MessageId, sentA[0].MessageId);
        assert.equal(a0.MessageAttributes.k.StringValue, 'v');
        assert.equal(a0.MD5OfMessageAttributes, sentA[0].MD5OfMessageAttributes);
        assert.equal(a0.Attributes.ApproximateReceiveCount, '1', 'receive count starts over');
        assert.equal(a0.Attributes.DeadLetterQueueSourceArn, undefined);
        assert.deepEqual(
          (await h.drain(b)).map((m) => m.Body),
          ['b0'],
        );
      });

      it('moves at MaxNumberOfMessagesPerSecond on the broker clock and reports progress', async () => {
        const { dlq, dlqArn, source } = await h.pair();
        await h.deadLetter(source, dlq, bodies(10));
        const { TaskHandle } = await sqs().call('StartMessageMoveTask', {
          SourceArn: dlqArn,
          MaxNumberOfMessagesPerSecond: 2,
        });
        await clock().advance(1_000);
        let [task] = await h.tasks(dlqArn);
        assert.equal(task.Status, 'RUNNING');
        assert.equal(task.TaskHandle, TaskHandle);
        assert.equal(task.MaxNumberOfMessagesPerSecond, 2);
        assert.equal(task.ApproximateNumberOfMessagesMoved, 2);
        assert.equal(task.ApproximateNumberOfMessagesToMove, 10);
        assert.equal(await h.count(source), 2);
        await clock().advance(2_000);
        [task] = await h.tasks(dlqArn);
        assert.equal(task.ApproximateNumberOfMessagesMoved, 6);
        await clock().advance(2_000);
        [task] = await h.tasks(dlqArn);
        assert.equal(task.Status, 'COMPLETED');
        assert.equal(task.ApproximateNumberOfMessagesMoved, 10);
        assert.deepEqual((await h.drain(source)).map((m) => m.Body).sort(), bodies(10).sort());
      });

      it('moves to DestinationArn when one is given; lists tasks most recent first', async () => {
        const { dlq, dlqArn, source } = await h.pair();
        const other = await h.create(queueName('dest'));
        const otherArn = await h.arnOf(other);
        await h.deadLetter(source, dlq, ['x']);
        await sqs().call('StartMessageMoveTask', { SourceArn: dlqArn, DestinationArn: otherArn });
        await clock().advance(100);
        await h.deadLetter(source, dlq, ['y']);
        await sqs().call('StartMessageMoveTask', { SourceArn: dlqArn });
        await clock().advance(100);
        const list = await h.tasks(dlqArn);
        assert.equal(list.length, 2);
        assert.equal(list[0].DestinationArn, undefined);
        assert.equal(list[1].DestinationArn, otherArn);
        assert.equal((await h.tasks(dlqArn, 1)).length, 1, 'MaxResults');
        assert.equal((await sqs().call('ListMessageMoveTasks', { SourceArn: dlqArn })).Results.length, 1);
        assert.deepEqual(
          (await h.drain(other)).map((m) => m.Body),
          ['x'],
        );
        assert.deepEqual(
          (await h.drain(source)).map((m) => m.Body),
          ['y'],
        );
      });

      it('refuses a source that is missing or not a dead-letter queue, a missing destination, a rate outside 1–500, a second running task', async () => {
        const { dlq, dlqArn, source, sourceArn } = await h.pair();
        await h.deadLetter(source, dlq, ['z']);
        const missing = await sqs().error('StartMessageMoveTask', { SourceArn: `${dlqArn}-nope` });
        assert.equal(missing.name, 'ResourceNotFoundException');
        assert.equal(missing.$metadata.httpStatusCode, 404);
        // the 3.445 Query client models ResourceNotFoundException without a message: read the XML
        const message =
          protocol === 'json' ? missing.message : await rawQueryError(`SourceArn=${dlqArn}-nope`);
        assert.equal(message, "The resource that you specified for the SourceArn parameter doesn't exist.");
        const notDlq = await sqs().error('StartMessageMoveTask', { SourceArn: sourceArn });
        assert.equal(notDlq.name, 'InvalidParameterValue');
        assert.equal(notDlq.message, 'Source queue must be configured as a Dead Letter Queue.');
        const noDest = await sqs().error('StartMessageMoveTask', {
          SourceArn: dlqArn,
          DestinationArn: `${sourceArn}-nope`,
        });
        assert.equal(noDest.name, 'ResourceNotFoundException');
        if (protocol === 'json') assert.match(noDest.message, /DestinationArn parameter doesn't exist/);
        for (const rate of [0, 501]) {
          const bad = await sqs().error('StartMessageMoveTask', {
            SourceArn: dlqArn,
            MaxNumberOfMessagesPerSecond: rate,
          });
          assert.equal(bad.name, 'InvalidParameterValue');
          assert.match(bad.message, /MaxNumberOfMessagesPerSecond/);
        }
        const badList = await sqs().error('ListMessageMoveTasks', { SourceArn: dlqArn, MaxResults: 11 });
        assert.equal(badList.name, 'InvalidParameterValue');
        await sqs().call('StartMessageMoveTask', { SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 });
        const twice = await sqs().error('StartMessageMoveTask', { SourceArn: dlqArn });
        assert.equal(twice.name, 'InvalidParameterValue');
        assert.match(twice.message, /already a task running/);
        await clock().advance(1_000);
        assert.equal((await h.tasks(dlqArn))[0].Status, 'COMPLETED');
      });

      it('cancels: CancelMessageMoveTask returns the count moved, status CANCELLING then CANCELLED', async () => {
        const { dlq, dlqArn, source } = await h.pair();
        await h.deadLetter(source, dlq, bodies(10));
        const { TaskHandle } = await sqs().call('StartMessageMoveTask', {
          SourceArn: dlqArn,
          MaxNumberOfMessagesPerSecond: 1,
        });
        await clock().advance(2_000);
        const cancelled = await sqs().call('CancelMessageMoveTask', { TaskHandle });
        assert.equal(cancelled.ApproximateNumberOfMessagesMoved, 2);
        assert.equal((await h.tasks(dlqArn))[0].Status, 'CANCELLING');
        await clock().advance(3_000);
        const [task] = await h.tasks(dlqArn);
        assert.equal(task.Status, 'CANCELLED');
        assert.equal(task.ApproximateNumberOfMessagesMoved, 2);
        assert.equal(task.TaskHandle, undefined);
        assert.equal(await h.count(source), 2);
        assert.equal(await h.count(dlq), 8);
        const again = await sqs().error('CancelMessageMoveTask', { TaskHandle });
        assert.equal(again.name, 'InvalidParameterValue');
        const garbage = await sqs().error('CancelMessageMoveTask', { TaskHandle: 'not-a-handle' });
        assert.equal(garbage.name, 'InvalidParameterValue');
        assert.equal(garbage.message, 'Value for parameter TaskHandle is invalid.');
        const unknown = Buffer.from(JSON.stringify({ taskId: 'nope', sourceArn: dlqArn })).toString('base64');
        const gone = await sqs().error('CancelMessageMoveTask', { TaskHandle: unknown });
        assert.equal(gone.name, 'ResourceNotFoundException');
        if (protocol === 'json') assert.equal(gone.message, 'Task does not exist.');
        // a new task may start once the first is cancelled, and finishes the job
        await sqs().call('StartMessageMoveTask', { SourceArn: dlqArn });
        await clock().advance(100);
        assert.equal(await h.count(source), 10);
        assert.equal(await h.count(dlq), 0);
      });

      it('skips messages in flight until they are visible, and leaves messages that arrive later', async () => {
        const { dlq, dlqArn, source } = await h.pair();
        await h.deadLetter(source, dlq, ['p', 'q', 'r']);
        const [held] = await h.receive(dlq, { MaxNumberOfMessages: 1, VisibilityTimeout: 10 });
        await sqs().call('StartMessageMoveTask', { SourceArn: dlqArn });
        await h.deadLetter(source, dlq, ['late']);
        await clock().advance(100);
        let [task] = await h.tasks(dlqArn);
        assert.equal(task.Status, 'RUNNING');
        assert.equal(task.ApproximateNumberOfMessagesMoved, 2);
        assert.equal(task.ApproximateNumberOfMessagesToMove, 3);
        await clock().advance(10_000);
        [task] = await h.tasks(dlqArn);
        assert.equal(task.Status, 'COMPLETED');
        assert.equal(task.ApproximateNumberOfMessagesMoved, 3);
        assert.deepEqual((await h.drain(source)).map((m) => m.Body).sort(), ['p', 'q', 'r']);
        assert.ok(held);
        assert.deepEqual(
          (await h.drain(dlq)).map((m) => m.Body),
          ['late'],
        );
      });

      it('fails with FailureReason NonExistentQueue when the destination is deleted while it runs', async () => {
        const { dlq, dlqArn, source } = await h.pair();
        const dest = await h.create(queueName('dest'));
        await h.deadLetter(source, dlq, bodies(5));
        await sqs().call('StartMessageMoveTask', {
          SourceArn: dlqArn,
          DestinationArn: await h.arnOf(dest),
          MaxNumberOfMessagesPerSecond: 1,
        });
        await clock().advance(2_000);
        await sqs().call('DeleteQueue', { QueueUrl: dest });
        await clock().advance(1_000);
        const [task] = await h.tasks(dlqArn);
        assert.equal(task.Status, 'FAILED');
        assert.equal(task.FailureReason, 'AWS.SimpleQueueService.NonExistentQueue');
        assert.equal(task.ApproximateNumberOfMessagesMoved, 2);
        assert.equal(await h.count(dlq), 3, 'the rest stays in the dead-letter queue');
      });

      it('redrives into a FIFO source keeping group ids and the order within each group', async () => {
        const { dlq, dlqArn, source } = await h.pair(true);
        const sent = bodies(6);
        await h.deadLetter(source, dlq, sent, (i) => ({
          MessageGroupId: `g${i % 2}`,
          MessageDeduplicationId: `d${i}`,
        }));
        await sqs().call('StartMessageMoveTask', { SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 10 });
        await clock().advance(1_000);
        assert.equal((await h.tasks(dlqArn))[0].Status, 'COMPLETED');
        const back = await h.drain(source);
        const byGroup = (g: string) =>
          back.filter((m) => m.Attributes.MessageGroupId === g).map((m) => m.Body as string);
        assert.deepEqual(byGroup('g0'), ['m0', 'm2', 'm4']);
        assert.deepEqual(byGroup('g1'), ['m1', 'm3', 'm5']);
        const seqs = back.map((m) => BigInt(m.Attributes.SequenceNumber));
        assert.equal(new Set(seqs).size, 6);
      });
    });
  }

  it('a RUNNING task survives a broker restart and finishes, every message in exactly one queue', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-move-'));
    try {
      let broker = await startTestBroker({ time: 'manual', dataDir });
      let client = sqsClient(broker, 'json');
      const h1 = helpers(() => client);
      const { dlq, dlqArn, source } = await h1.pair();
      const sent = await h1.deadLetter(source, dlq, bodies(20));
      await client.call('StartMessageMoveTask', { SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 5 });
      await broker.testClock!.advance(1_000);
      assert.equal((await h1.tasks(dlqArn))[0].ApproximateNumberOfMessagesMoved, 5);
      client.destroy();
      await broker.stop();

      broker = await startTestBroker({ time: 'manual', dataDir });
      client = sqsClient(broker, 'json');
      const h2 = helpers(() => client);
      assert.equal((await h2.tasks(dlqArn))[0].Status, 'RUNNING');
      await broker.testClock!.advance(3_000);
      const [task] = await h2.tasks(dlqArn);
      assert.equal(task.Status, 'COMPLETED');
      assert.equal(task.ApproximateNumberOfMessagesMoved, 20);
      assert.equal(await h2.count(dlq), 0);
      const back = await h2.drain(source);
      assert.deepEqual(back.map((m) => m.MessageId).sort(), sent.map((s) => s.MessageId).sort());
      client.destroy();
      await broker.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
