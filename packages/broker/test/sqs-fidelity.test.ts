// Issue 24, items 1-3: receipt handles over a message's life, batch answers and attribute edge cases,
// each as AWS answers it (AWS's API reference, and responses recorded against AWS by LocalStack's
// validated snapshot tests), over both wire protocols through real SDK clients.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestBroker } from 'sqs-mega-broker/testing';
import { describeOverProtocols, queueName } from './support/clients.js';

describeOverProtocols('AWS fidelity: receipt handles, batches, attributes', ({ sqs, clock }) => {
  const newQueue = async (Attributes?: Record<string, string>, fifo = false) =>
    (
      await sqs().call('CreateQueue', {
        QueueName: queueName() + (fifo ? '.fifo' : ''),
        Attributes: fifo
          ? { FifoQueue: 'true', ContentBasedDeduplication: 'true', ...Attributes }
          : Attributes,
      })
    ).QueueUrl as string;
  const receive = async (QueueUrl: string, extra: Record<string, unknown> = {}) =>
    (await sqs().call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, ...extra })).Messages ?? [];
  // 3.445 (Query) puts a modeled error's message under `Error` (its own `message` is "UnknownError")
  // biome-ignore lint/suspicious/noExplicitAny: an SDK error of either client
  const messageOf = (e: any): string => (e.message === 'UnknownError' ? e.Error?.Message : e.message);
  const count = async (QueueUrl: string) =>
    (
      await sqs().call('GetQueueAttributes', {
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      })
    ).Attributes;

  it('standard: a delete after the visibility timeout, not received again, succeeds and deletes', async () => {
    const QueueUrl = await newQueue({ VisibilityTimeout: '1' });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm' });
    const [m] = await receive(QueueUrl);
    await clock().advance(2_000);
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
    assert.deepEqual(await receive(QueueUrl), []);
    assert.deepEqual(await count(QueueUrl), {
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('standard: an older handle of a message received again deletes nothing, changes nothing', async () => {
    const QueueUrl = await newQueue({ VisibilityTimeout: '1' });
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm' });
    const [first] = await receive(QueueUrl);
    await clock().advance(2_000);
    const [second] = await receive(QueueUrl, { VisibilityTimeout: 30 });
    assert.notEqual(first.ReceiptHandle, second.ReceiptHandle);
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: first.ReceiptHandle });
    assert.equal((await count(QueueUrl)).ApproximateNumberOfMessagesNotVisible, '1');
    const stale = await sqs().error('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: first.ReceiptHandle,
      VisibilityTimeout: 0,
    });
    assert.equal(stale.name, 'InvalidParameterValue');
    assert.equal(
      messageOf(stale),
      `Value ${first.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    );
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: second.ReceiptHandle });
    assert.equal((await count(QueueUrl)).ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('FIFO: a handle whose visibility timeout ran out is expired (InvalidParameterValue); one extended in time deletes', async () => {
    const QueueUrl = await newQueue({ VisibilityTimeout: '1' }, true);
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'a', MessageGroupId: 'g' });
    const [a] = await receive(QueueUrl);
    await clock().advance(1_500);
    const expired = await sqs().error('DeleteMessage', { QueueUrl, ReceiptHandle: a.ReceiptHandle });
    assert.equal(expired.name, 'InvalidParameterValue');
    assert.equal(
      messageOf(expired),
      `Value ${a.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    );
    const notInFlight = await sqs().error('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: a.ReceiptHandle,
      VisibilityTimeout: 5,
    });
    assert.equal(notInFlight.name, 'MessageNotInflight');
    const [again] = await receive(QueueUrl);
    await sqs().call('ChangeMessageVisibility', {
      QueueUrl,
      ReceiptHandle: again.ReceiptHandle,
      VisibilityTimeout: 5,
    });
    await clock().advance(1_500);
    await sqs().call('DeleteMessage', { QueueUrl, ReceiptHandle: again.ReceiptHandle });
    assert.equal((await count(QueueUrl)).ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('a malformed handle is ReceiptHandleIsInvalid (404) with AWS message, on delete and on visibility change', async () => {
    const QueueUrl = await newQueue();
    for (const action of ['DeleteMessage', 'ChangeMessageVisibility']) {
      const e = await sqs().error(action, { QueueUrl, ReceiptHandle: 'garbage', VisibilityTimeout: 1 });
      assert.equal(e.name, 'ReceiptHandleIsInvalid');
      assert.equal(e.$metadata.httpStatusCode, 404);
      assert.equal(messageOf(e), 'The input receipt handle "garbage" is not a valid receipt handle.');
    }
  });

  it('batches whose entries all fail have no Successful; all succeed, no Failed', async () => {
    const QueueUrl = await newQueue();
    const bad = [
      { Id: 'a', ReceiptHandle: 'garbage-a' },
      { Id: 'b', ReceiptHandle: 'garbage-b' },
    ];
    const deleted = await sqs().call('DeleteMessageBatch', { QueueUrl, Entries: bad });
    assert.equal(deleted.Successful, undefined);
    assert.deepEqual(
      deleted.Failed.map((f: { Id: string; Code: string; SenderFault: boolean }) => [
        f.Id,
        f.Code,
        f.SenderFault,
      ]),
      [
        ['a', 'ReceiptHandleIsInvalid', true],
        ['b', 'ReceiptHandleIsInvalid', true],
      ],
    );
    const changed = await sqs().call('ChangeMessageVisibilityBatch', {
      QueueUrl,
      Entries: bad.map((e) => ({ ...e, VisibilityTimeout: 5 })),
    });
    assert.equal(changed.Successful, undefined);
    assert.equal(changed.Failed.length, 2);
    const sent = await sqs().call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'x', MessageBody: 'm', DelaySeconds: 901 },
        { Id: 'y', MessageBody: 'm', MessageDeduplicationId: 'd' },
      ],
    });
    assert.equal(sent.Successful, undefined);
    assert.deepEqual(
      sent.Failed.map((f: { Id: string }) => f.Id),
      ['x', 'y'],
    );
    assert.equal(
      sent.Failed[0].Message,
      'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
    );
    const ok = await sqs().call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: '1', MessageBody: 'one' },
        { Id: '2', MessageBody: 'two' },
      ],
    });
    assert.equal(ok.Failed, undefined);
    assert.equal(ok.Successful.length, 2);
    const messages = await receive(QueueUrl);
    const done = await sqs().call('DeleteMessageBatch', {
      QueueUrl,
      Entries: messages.map((m: { ReceiptHandle: string }, i: number) => ({
        Id: `d${i}`,
        ReceiptHandle: m.ReceiptHandle,
      })),
    });
    assert.equal(done.Failed, undefined);
    assert.equal(done.Successful.length, 2);
  });

  it('batch requests: duplicate ids, no entries and more than 10 are refused whole', async () => {
    const QueueUrl = await newQueue();
    const dup = await sqs().error('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'same', MessageBody: 'a' },
        { Id: 'same', MessageBody: 'b' },
      ],
    });
    assert.equal(dup.name, 'BatchEntryIdsNotDistinct');
    const empty = await sqs().error('DeleteMessageBatch', { QueueUrl, Entries: [] });
    assert.equal(empty.name, 'EmptyBatchRequest');
    const many = await sqs().error('ChangeMessageVisibilityBatch', {
      QueueUrl,
      Entries: Array.from({ length: 11 }, (_, i) => ({
        Id: `e${i}`,
        ReceiptHandle: 'h',
        VisibilityTimeout: 1,
      })),
    });
    assert.equal(many.name, 'TooManyEntriesInBatchRequest');
    assert.equal(messageOf(many), 'Maximum number of entries per request are 10. You have sent 11.');
  });

  it('CreateQueue: FifoQueue=false and FIFO-only attributes on a standard queue are refused as AWS does', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ FifoQueue: 'false' }, 'Unknown Attribute FifoQueue.'],
      [{ ContentBasedDeduplication: 'false' }, 'Unknown Attribute ContentBasedDeduplication.'],
      [
        { DeduplicationScope: 'queue' },
        'You can specify the DeduplicationScope only when FifoQueue is set to true.',
      ],
      [
        { FifoThroughputLimit: 'perQueue' },
        'You can specify the FifoThroughputLimit only when FifoQueue is set to true.',
      ],
      [{ 'VisibilityTimeout ': '30' }, 'Unknown Attribute VisibilityTimeout .'],
    ];
    for (const [Attributes, message] of cases) {
      const e = await sqs().error('CreateQueue', { QueueName: queueName(), Attributes });
      assert.equal(e.name, 'InvalidAttributeName', message);
      assert.equal(messageOf(e), message);
    }
    const delay = await sqs().error('CreateQueue', {
      QueueName: queueName(),
      Attributes: { DelaySeconds: '901' },
    });
    assert.equal(delay.name, 'InvalidAttributeValue');
  });

  it('SetQueueAttributes FifoQueue: true again on a FIFO queue; false there, or anything on a standard queue, refused', async () => {
    const fifo = await newQueue({}, true);
    await sqs().call('SetQueueAttributes', { QueueUrl: fifo, Attributes: { FifoQueue: 'true' } });
    const change = await sqs().error('SetQueueAttributes', {
      QueueUrl: fifo,
      Attributes: { FifoQueue: 'false' },
    });
    assert.equal(change.name, 'InvalidAttributeValue');
    assert.equal(
      messageOf(change),
      'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
    );
    const standard = await newQueue();
    const e = await sqs().error('SetQueueAttributes', {
      QueueUrl: standard,
      Attributes: { FifoQueue: 'true' },
    });
    assert.equal(e.name, 'InvalidAttributeName');
    assert.equal(messageOf(e), 'Unknown Attribute FifoQueue.');
  });

  it('GetQueueAttributes All lists what AWS lists for standard (also fair) and FIFO queues', async () => {
    const standard = [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesDelayed',
      'ApproximateNumberOfMessagesNotVisible',
      'CreatedTimestamp',
      'DelaySeconds',
      'LastModifiedTimestamp',
      'MaximumMessageSize',
      'MessageRetentionPeriod',
      'QueueArn',
      'ReceiveMessageWaitTimeSeconds',
      'SqsManagedSseEnabled',
      'VisibilityTimeout',
    ];
    const all = async (QueueUrl: string) =>
      (await sqs().call('GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] })).Attributes;
    const plain = await newQueue();
    const got = await all(plain);
    assert.deepEqual(Object.keys(got).sort(), standard);
    assert.equal(got.SqsManagedSseEnabled, 'true');
    // a fair queue is a standard queue whose messages carry a MessageGroupId: same attributes
    await sqs().call('SendMessage', { QueueUrl: plain, MessageBody: 'm', MessageGroupId: 'tenant-1' });
    assert.deepEqual(Object.keys(await all(plain)).sort(), standard);
    const fifo = await newQueue({}, true);
    assert.deepEqual(
      Object.keys(await all(fifo)).sort(),
      [
        ...standard,
        'ContentBasedDeduplication',
        'DeduplicationScope',
        'FifoQueue',
        'FifoThroughputLimit',
      ].sort(),
    );
  });

  it('MessageGroupId on a standard queue is kept and returned; DelaySeconds > 900 on send is refused', async () => {
    const QueueUrl = await newQueue();
    await sqs().call('SendMessage', { QueueUrl, MessageBody: 'm', MessageGroupId: 'tenant-1' });
    const [m] = await receive(QueueUrl, { AttributeNames: ['MessageGroupId'] });
    assert.equal(m.Attributes.MessageGroupId, 'tenant-1');
    const e = await sqs().error('SendMessage', { QueueUrl, MessageBody: 'm', DelaySeconds: 901 });
    assert.equal(e.name, 'InvalidParameterValue');
    assert.equal(
      messageOf(e),
      'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
    );
  });

  it('AWSTraceHeader: from MessageSystemAttributes, or from the X-Amzn-Trace-Id header, returned on receive', async () => {
    const QueueUrl = await newQueue();
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const sent = await sqs().call('SendMessage', {
      QueueUrl,
      MessageBody: 'm',
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
    });
    assert.match(sent.MD5OfMessageSystemAttributes, /^[0-9a-f]{32}$/);
    const [m] = await receive(QueueUrl, { AttributeNames: ['AWSTraceHeader'] });
    assert.equal(m.Attributes.AWSTraceHeader, trace);
    const url = new URL(QueueUrl);
    const body =
      sqs().protocol === 'json'
        ? JSON.stringify({ QueueUrl, MessageBody: 'h' })
        : new URLSearchParams({
            Action: 'SendMessage',
            Version: '2012-11-05',
            QueueUrl,
            MessageBody: 'h',
          }).toString();
    const res = await fetch(`${url.origin}/`, {
      method: 'POST',
      headers:
        sqs().protocol === 'json'
          ? {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-target': 'AmazonSQS.SendMessage',
              'x-amzn-trace-id': trace,
            }
          : { 'content-type': 'application/x-www-form-urlencoded', 'x-amzn-trace-id': trace },
      body,
    });
    assert.equal(res.status, 200);
    const [h] = await receive(QueueUrl, { AttributeNames: ['AWSTraceHeader'] });
    assert.equal(h.Body, 'h');
    assert.equal(h.Attributes.AWSTraceHeader, trace);
  });

  it('AddPermission: more than 7 actions is 403 OverLimit; owner-only actions and no account are InvalidParameterValue', async () => {
    const QueueUrl = await newQueue();
    const actions = [
      'ChangeMessageVisibility',
      'DeleteMessage',
      'GetQueueAttributes',
      'GetQueueUrl',
      'ListDeadLetterSourceQueues',
      'PurgeQueue',
      'ReceiveMessage',
      'SendMessage',
    ];
    const over = await sqs().error('AddPermission', {
      QueueUrl,
      Label: 'many',
      AWSAccountIds: ['111122223333'],
      Actions: actions,
    });
    assert.equal(over.name, 'OverLimit');
    assert.equal(over.$metadata.httpStatusCode, 403);
    assert.equal(messageOf(over), '8 Actions were found, maximum allowed is 7.');
    await sqs().call('AddPermission', {
      QueueUrl,
      Label: 'seven',
      AWSAccountIds: ['111122223333'],
      Actions: actions.slice(0, 7),
    });
    for (const owner of ['RemovePermission', 'AddPermission', 'SetQueueAttributes', 'DeleteQueue']) {
      const e = await sqs().error('AddPermission', {
        QueueUrl,
        Label: `owner${owner}`,
        AWSAccountIds: ['111122223333'],
        Actions: [owner],
      });
      assert.equal(e.name, 'InvalidParameterValue');
      assert.equal(
        messageOf(e),
        `Value SQS:${owner} for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action.`,
      );
    }
  });
});

describe('AWS fidelity: JSON error shapes', () => {
  it('InvalidParameterValue and MissingParameter carry AWS __type names; x-amzn-query-error the Query codes', async () => {
    const broker = await startTestBroker();
    try {
      const call = async (action: string, input: object) => {
        const res = await fetch(`${broker.url}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
          body: JSON.stringify(input),
        });
        return {
          status: res.status,
          header: res.headers.get('x-amzn-query-error'),
          body: (await res.json()) as Record<string, string>,
        };
      };
      const { QueueUrl } = (await call('CreateQueue', { QueueName: 'shapes' })).body;
      const bad = await call('SendMessage', { QueueUrl, MessageBody: 'm', DelaySeconds: 901 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.__type, 'com.amazonaws.sqs#InvalidParameterValueException');
      assert.equal(bad.header, 'InvalidParameterValue;Sender');
      const missing = await call('SendMessage', { QueueUrl });
      assert.equal(missing.body.__type, 'com.amazonaws.sqs#MissingRequiredParameterException');
      assert.equal(missing.header, 'MissingParameter;Sender');
      const unknown = await call('GetQueueAttributes', { QueueUrl, AttributeNames: ['Nope'] });
      assert.equal(unknown.body.__type, 'com.amazonaws.sqs#InvalidAttributeName');
      assert.equal(unknown.header, 'InvalidAttributeName;Sender');
    } finally {
      await broker.stop();
    }
  });
});
