import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  type EventSourceMapping,
  type EventSourceMappingOptions,
  HandlerLoadError,
  type LambdaContext,
  loadHandler,
  runEventSourceMapping,
  type SqsEvent,
} from 'sqs-mega';
import { createQueue, queueCounts, startTestBroker, type TestBroker, waitFor } from 'sqs-mega-broker/testing';

const here = fileURLToPath(new URL('./handlers/', import.meta.url));

describe('runEventSourceMapping (local SQS → Lambda) against the broker', () => {
  let broker: TestBroker;
  const mappings: EventSourceMapping[] = [];
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await Promise.all(mappings.map((m) => m.stop()));
    await broker.stop();
  });
  let n = 0;
  const queue = (fifo = false) =>
    createQueue(broker.sqsClient, { name: `fn-${++n}`, fifo, attributes: { VisibilityTimeout: '30' } });
  async function map(options: Omit<EventSourceMappingOptions, 'client'>) {
    const m = await runEventSourceMapping({ client: broker.sqsClient, ...options });
    mappings.push(m);
    return m;
  }
  async function send(url: string, bodies: string[], group?: (i: number) => string) {
    await broker.sqsClient.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: bodies.map((MessageBody, i) => ({
          Id: String(i),
          MessageBody,
          ...(group ? { MessageGroupId: group(i), MessageDeduplicationId: `${i}-${MessageBody}` } : {}),
        })),
      }),
    );
  }

  it("gives the handler Lambda's SQS event (keys in Lambda's order, attributes camelCased) and a context", async () => {
    const q = await queue();
    const { MessageId, MD5OfMessageBody } = await broker.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: q.url,
        MessageBody: 'Test message.',
        MessageAttributes: {
          myAttribute: { DataType: 'String', StringValue: 'myValue' },
          count: { DataType: 'Number', StringValue: '3' },
          raw: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
        },
      }),
    );
    const seen: { event: SqsEvent; context: LambdaContext; remaining: number }[] = [];
    await map({
      queueUrl: q.url,
      functionName: 'orders-fn',
      functionTimeout: 5,
      handler: async (event, context) => {
        seen.push({ event, context, remaining: context.getRemainingTimeInMillis() });
      },
    });
    await waitFor(() => seen.length === 1);
    const { event, context, remaining } = seen[0]!;
    const record = event.Records[0]!;
    assert.deepEqual(Object.keys(event), ['Records']);
    assert.deepEqual(Object.keys(record), [
      'messageId',
      'receiptHandle',
      'body',
      'attributes',
      'messageAttributes',
      'md5OfBody',
      'eventSource',
      'eventSourceARN',
      'awsRegion',
    ]);
    assert.equal(record.messageId, MessageId);
    assert.equal(record.body, 'Test message.');
    assert.equal(record.md5OfBody, MD5OfMessageBody);
    assert.equal(record.eventSource, 'aws:sqs');
    assert.equal(record.eventSourceARN, q.arn);
    assert.equal(record.awsRegion, 'us-east-1');
    assert.deepEqual(Object.keys(record.attributes).slice(0, 4), [
      'ApproximateReceiveCount',
      'SentTimestamp',
      'SenderId',
      'ApproximateFirstReceiveTimestamp',
    ]);
    assert.equal(record.attributes.ApproximateReceiveCount, '1');
    assert.deepEqual(record.messageAttributes.myAttribute, {
      stringValue: 'myValue',
      stringListValues: [],
      binaryListValues: [],
      dataType: 'String',
    });
    assert.deepEqual(
      JSON.stringify(record.messageAttributes.raw),
      JSON.stringify({
        binaryValue: Buffer.from('hi').toString('base64'),
        stringListValues: [],
        binaryListValues: [],
        dataType: 'Binary',
      }),
    );
    assert.equal(record.messageAttributes.count?.dataType, 'Number');
    assert.equal(context.functionName, 'orders-fn');
    assert.equal(context.functionVersion, '$LATEST');
    assert.equal(context.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:orders-fn');
    assert.match(context.awsRequestId, /^[0-9a-f-]{36}$/);
    assert.equal(context.memoryLimitInMB, '128');
    assert.ok(remaining > 4000 && remaining <= 5000, `remaining ${remaining}`);
    await waitFor(async () => (await queueCounts(broker.sqsClient, q.url)).inFlight === 0);
  });

  it('ReportBatchItemFailures with an unchanged Powertools BatchProcessor handler: exactly the failed messages stay, the rest are deleted', async () => {
    const q = await queue();
    const bodies = [1, 2, 3, 4, 5].map((id) => JSON.stringify({ id, fail: id === 2 || id === 4 }));
    await send(q.url, bodies);
    const handler = await loadHandler(`${here}powertools.ts`);
    const invoked: { succeeded: number; failed: number; records: number }[] = [];
    const m = await map({
      queueUrl: q.url,
      handler,
      reportBatchItemFailures: true,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 1,
      maximumConcurrency: 1,
    });
    m.on('invoked', (e) => invoked.push(e));
    await waitFor(() => invoked.length === 1, { timeoutMs: 8000 });
    assert.deepEqual(invoked[0], { ...invoked[0], records: 5, succeeded: 3, failed: 2 });
    const counts = await queueCounts(broker.sqsClient, q.url);
    assert.deepEqual([counts.visible, counts.inFlight], [0, 2]);
  });

  it('without ReportBatchItemFailures, a returned batchItemFailures is ignored and the whole batch is deleted, as on Lambda', async () => {
    const q = await queue();
    await send(q.url, ['a', 'b']);
    const m = await map({
      queueUrl: q.url,
      maximumBatchingWindowInSeconds: 1,
      handler: async (event) => ({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] }),
    });
    await waitFor(() => m.stats.succeeded === 2, { timeoutMs: 8000 });
    assert.equal(m.stats.failed, 0);
  });

  for (const [what, handler, reason] of [
    [
      'a thrown error',
      async () => {
        throw new Error('boom');
      },
      /function error: Error: boom/,
    ],
    ['a timeout', () => new Promise((r) => setTimeout(r, 2500)), /timed out after 1000 ms/],
    [
      'an identifier not in the batch',
      async () => ({ batchItemFailures: [{ itemIdentifier: 'nope' }] }),
      /"nope", not a message of the batch/,
    ],
  ] as const) {
    it(`${what} fails the whole batch: nothing is deleted`, async () => {
      const q = await queue();
      await send(q.url, ['x', 'y', 'z']);
      const reasons: string[] = [];
      const m = await map({
        queueUrl: q.url,
        handler: handler as never,
        functionTimeout: 1,
        reportBatchItemFailures: true,
        maximumBatchingWindowInSeconds: 1,
        maximumConcurrency: 1,
      });
      m.on('invoked', (e) => reasons.push(e.reason ?? ''));
      await waitFor(() => reasons.length === 1, { timeoutMs: 8000 });
      assert.match(reasons[0]!, reason);
      assert.equal(m.stats.succeeded, 0);
      const counts = await queueCounts(broker.sqsClient, q.url);
      assert.deepEqual([counts.visible, counts.inFlight], [0, 3]);
    });
  }

  it('FIFO: a failure stops its message group (later messages of that group stay too); other groups are deleted', async () => {
    const q = await queue(true);
    await send(q.url, ['a1', 'a2', 'a3', 'b1', 'b2'], (i) => (i < 3 ? 'A' : 'B'));
    let kept: string[] = [];
    const m = await map({
      queueUrl: q.url,
      reportBatchItemFailures: true,
      maximumBatchingWindowInSeconds: 1,
      maximumConcurrency: 1,
      handler: async (event) => {
        const a2 = event.Records.find((r) => r.body === 'a2');
        return { batchItemFailures: a2 ? [{ itemIdentifier: a2.messageId }] : [] };
      },
    });
    m.on('invoked', () => {});
    await waitFor(() => m.stats.invocations >= 1, { timeoutMs: 8000 });
    assert.equal(m.stats.failed, 2, 'a2 and a3');
    assert.equal(m.stats.succeeded, 3, 'a1, b1, b2');
    await m.stop();
    const { receiveAll } = await import('sqs-mega-broker/testing');
    kept = (await receiveAll(broker.sqsClient, q.url, 1)).map((x) => x.Body ?? '');
    assert.deepEqual(kept, [], 'a2 and a3 are still in flight until their visibility timeout');
    assert.equal((await queueCounts(broker.sqsClient, q.url)).inFlight, 2);
  });

  it('FIFO with an unchanged Powertools SqsFifoPartialProcessorAsync handler: the failed group is short-circuited, others deleted', async () => {
    const q = await queue(true);
    const bodies = ['{"g":"A"}', '{"g":"A","fail":true}', '{"g":"A"}', '{"g":"B"}'];
    await send(q.url, bodies, (i) => (i < 3 ? 'A' : 'B'));
    const m = await map({
      queueUrl: q.url,
      handler: await loadHandler(`${here}powertools-fifo.ts#handler`),
      reportBatchItemFailures: true,
      maximumBatchingWindowInSeconds: 1,
      maximumConcurrency: 1,
    });
    await waitFor(() => m.stats.invocations >= 1, { timeoutMs: 8000 });
    assert.deepEqual([m.stats.succeeded, m.stats.failed], [2, 2]);
  });

  it('gathers up to batchSize records within the batching window; runs up to maximumConcurrency invocations at once', async () => {
    const q = await queue();
    await send(
      q.url,
      Array.from({ length: 10 }, (_, i) => `m${i}`),
    );
    await send(
      q.url,
      Array.from({ length: 5 }, (_, i) => `n${i}`),
    );
    const sizes: number[] = [];
    const m = await map({
      queueUrl: q.url,
      batchSize: 20,
      maximumBatchingWindowInSeconds: 1,
      maximumConcurrency: 1,
      handler: async (event) => {
        sizes.push(event.Records.length);
      },
    });
    await waitFor(() => m.stats.succeeded === 15, { timeoutMs: 8000 });
    assert.deepEqual(sizes, [15]);
    await m.stop();

    const q2 = await queue();
    await send(
      q2.url,
      Array.from({ length: 6 }, (_, i) => `c${i}`),
    );
    let running = 0;
    let peak = 0;
    const m2 = await map({
      queueUrl: q2.url,
      batchSize: 1,
      maximumConcurrency: 3,
      handler: async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 300));
        running--;
      },
    });
    await waitFor(() => m2.stats.succeeded === 6, { timeoutMs: 8000 });
    assert.ok(peak >= 2 && peak <= 3, `peak concurrency ${peak}`);
  });

  it('runs callback-style handlers', async () => {
    const q = await queue();
    await send(q.url, ['cb']);
    const m = await map({ queueUrl: q.url, handler: await loadHandler(`${here}callback.ts`) });
    await waitFor(() => m.stats.succeeded === 1);
  });

  it('rejects bad settings naming the field', async () => {
    const q = await queue();
    await assert.rejects(
      map({ queueUrl: q.url, handler: async () => {}, batchSize: 50 }),
      /maximumBatchingWindowInSeconds ≥ 1/,
    );
    await assert.rejects(
      map({ queueUrl: q.url, handler: async () => {}, maximumConcurrency: 0 }),
      /maximumConcurrency must be/,
    );
  });
});

describe('loadHandler', () => {
  it('a module that does not load: a HandlerLoadError naming the file', async () => {
    await assert.rejects(
      loadHandler(`${here}broken.ts`),
      (e: unknown) =>
        e instanceof HandlerLoadError &&
        /broken\.ts/.test(e.message) &&
        /fails while loading/.test(e.message),
    );
    await assert.rejects(
      loadHandler('./no-such-file.js'),
      (e: unknown) =>
        e instanceof HandlerLoadError &&
        e.file === './no-such-file.js' &&
        /cannot load handler module/.test(e.message),
    );
  });
  it('an export that is missing or not callable: a HandlerLoadError naming the export', async () => {
    await assert.rejects(
      loadHandler(`${here}not-callable.ts`),
      (e: unknown) =>
        e instanceof HandlerLoadError &&
        e.exportName === 'handler' &&
        /is a number, not a function/.test(e.message),
    );
    await assert.rejects(
      loadHandler(`${here}not-callable.ts#missing`),
      (e: unknown) =>
        e instanceof HandlerLoadError &&
        /no export named missing \(callable exports: other\)/.test(e.message),
    );
  });
});
