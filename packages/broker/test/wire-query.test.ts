import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AddPermissionCommand,
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  type QueueAttributeName,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  UntagQueueCommand,
} from 'sqs-query-client';
import { blobsToBase64, md5, plain, queryClient } from './wire-query-harness.js';

const URL = 'http://localhost:9324/000000000000/orders';
const ARN = 'arn:aws:sqs:us-east-1:000000000000:orders';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders-dlq';
const TRICKY = `a&b <c> "d" 'e' \r\n\tf ü € 😀 ]]> &amp; &#xD; \uE000\uFFFD`;

/**
 * Sends `command` through the real 3.445 client; asserts that the codec decoded the form body to
 * `input` and that the client parsed the codec's XML for `output` back to `sdkOutput`.
 */
async function roundTrip(
  // biome-ignore lint/suspicious/noExplicitAny: any SQS command of the Query client
  command: any,
  input: Record<string, unknown>,
  output?: Record<string, unknown>,
  sdkOutput: Record<string, unknown> = output ?? {},
) {
  const h = queryClient();
  h.answer({ output });
  const got = await h.client.send(command);
  assert.deepEqual(h.last().input, input);
  assert.deepEqual(blobsToBase64(plain(got)), sdkOutput);
  return h.last();
}

describe('Query codec: every SQS action round-trips through the 3.445 Query client', () => {
  it('CreateQueue decodes Attribute.N and Tag.N maps (tags lower-case) and returns QueueUrl', async () => {
    const input = {
      QueueName: 'orders.fifo',
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: '45',
        RedrivePolicy: `{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":3}`,
      },
      tags: { team: 'a&b', env: 'dev' },
    };
    const seen = await roundTrip(new CreateQueueCommand(input), input, { QueueUrl: URL });
    assert.equal(seen.params.get('Attribute.1.Name'), 'FifoQueue');
    assert.equal(seen.params.get('Tag.1.Key'), 'team');
  });

  it('GetQueueUrl', async () => {
    const input = { QueueName: 'orders', QueueOwnerAWSAccountId: '000000000000' };
    await roundTrip(new GetQueueUrlCommand(input), input, { QueueUrl: URL });
  });

  it('ListQueues decodes MaxResults as a number and returns flattened QueueUrl elements', async () => {
    const input = { QueueNamePrefix: 'ord', MaxResults: 2, NextToken: 'tok+/=' };
    await roundTrip(new ListQueuesCommand(input), input, {
      QueueUrls: [URL, `${URL}-dlq`],
      NextToken: 'next',
    });
  });

  it('ListQueues with no queues has an empty Result', async () => {
    const seen = await roundTrip(new ListQueuesCommand({}), {}, { QueueUrls: [] }, {});
    assert.match(seen.xml, /<ListQueuesResult\/>/);
  });

  it('GetQueueAttributes decodes AttributeName.N and returns Attribute Name/Value pairs', async () => {
    const input = { QueueUrl: URL, AttributeNames: ['All'] as QueueAttributeName[] };
    const output = {
      Attributes: {
        QueueArn: ARN,
        ApproximateNumberOfMessages: '3',
        Policy: '{"Statement":[{"Effect":"Allow","Resource":"<arn>&"}]}',
      },
    };
    await roundTrip(new GetQueueAttributesCommand(input), input, output);
  });

  it('GetQueueAttributes with an empty AttributeNames list decodes []', async () => {
    const input = { QueueUrl: URL, AttributeNames: [] };
    await roundTrip(new GetQueueAttributesCommand(input), input, { Attributes: {} }, {});
  });

  it('SetQueueAttributes', async () => {
    const input = { QueueUrl: URL, Attributes: { DelaySeconds: '5', ReceiveMessageWaitTimeSeconds: '20' } };
    const seen = await roundTrip(new SetQueueAttributesCommand(input), input);
    assert.doesNotMatch(seen.xml, /Result/);
  });

  for (const [name, Command] of [
    ['DeleteQueue', DeleteQueueCommand],
    ['PurgeQueue', PurgeQueueCommand],
  ] as const) {
    it(`${name} decodes QueueUrl and answers without a Result element`, async () => {
      const seen = await roundTrip(new Command({ QueueUrl: URL }), { QueueUrl: URL });
      assert.equal(
        seen.xml,
        `<${name}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${name}Response>`,
      );
    });
  }

  it('SendMessage decodes message attributes (string, number, binary, lists) and system attributes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const sdkInput = {
      QueueUrl: URL,
      MessageBody: TRICKY,
      DelaySeconds: 0,
      MessageAttributes: {
        name: { DataType: 'String', StringValue: 'x=1&y=<2>' },
        count: { DataType: 'Number.int', StringValue: '42' },
        blob: { DataType: 'Binary', BinaryValue: bytes },
        strings: { DataType: 'String', StringListValues: ['a', 'b'] },
        blobs: { DataType: 'Binary', BinaryListValues: [bytes] },
      },
      MessageSystemAttributes: {
        AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
      },
      MessageDeduplicationId: 'dedup-1',
      MessageGroupId: 'group-1',
    };
    const output = {
      MD5OfMessageBody: md5(TRICKY),
      MD5OfMessageAttributes: '3ae8f24a165a8cedc005670c81a27295',
      MD5OfMessageSystemAttributes: '5ae4d5d7636402d80f4eb6d213245a88',
      MessageId: '5fea7756-0ea4-451a-a703-a558b933e274',
      SequenceNumber: '18849496460467696128',
    };
    await roundTrip(
      new SendMessageCommand(sdkInput),
      blobsToBase64(sdkInput) as Record<string, unknown>,
      output,
    );
  });

  it('SendMessageBatch decodes entries and returns successes and failures', async () => {
    const sdkInput = {
      QueueUrl: URL,
      Entries: [
        {
          Id: 'm1',
          MessageBody: 'first',
          DelaySeconds: 10,
          MessageAttributes: { k: { DataType: 'Binary', BinaryValue: Buffer.from('hi') } },
        },
        { Id: 'm2', MessageBody: TRICKY, MessageGroupId: 'g', MessageDeduplicationId: 'd' },
      ],
    };
    const output = {
      Successful: [
        {
          Id: 'm1',
          MessageId: 'id-1',
          MD5OfMessageBody: md5('first'),
          MD5OfMessageAttributes: 'd41d8cd98f00b204e9800998ecf8427e',
        },
      ],
      Failed: [
        { Id: 'm2', SenderFault: true, Code: 'InvalidParameterValue', Message: 'Value <x> & "y" is bad' },
      ],
    };
    const seen = await roundTrip(
      new SendMessageBatchCommand(sdkInput),
      blobsToBase64(sdkInput) as Record<string, unknown>,
      output,
    );
    assert.equal(seen.params.get('SendMessageBatchRequestEntry.2.Id'), 'm2');
  });

  it('ReceiveMessage decodes its lists and integers and returns messages with attributes', async () => {
    const input = {
      QueueUrl: URL,
      AttributeNames: ['All'] as QueueAttributeName[],
      MessageAttributeNames: ['All', 'custom.*'],
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 20,
      ReceiveRequestAttemptId: 'attempt-1',
    };
    const output = {
      Messages: [
        {
          MessageId: 'id-1',
          ReceiptHandle: 'AQEB+/=handle',
          MD5OfBody: md5(TRICKY),
          Body: TRICKY,
          Attributes: {
            SenderId: 'AIDAIENQZJOLO23YVJ4VO',
            ApproximateReceiveCount: '1',
            SentTimestamp: '1700000000000',
            MessageGroupId: 'g<1>',
          },
          MD5OfMessageAttributes: '9b1d6b8ed4f1ae2b6a0ab5e1d7d1f8f5',
          MessageAttributes: {
            name: { DataType: 'String', StringValue: 'v & w\r\n' },
            bin: { DataType: 'Binary.png', BinaryValue: Buffer.from([0, 255, 1]).toString('base64') },
            num: { DataType: 'Number', StringValue: '-1.5e3' },
          },
        },
        { MessageId: 'id-2', ReceiptHandle: 'h2', MD5OfBody: md5('{"a":1}'), Body: '{"a":1}' },
      ],
    };
    const seen = await roundTrip(new ReceiveMessageCommand(input), input, output);
    assert.match(seen.xml, /<ReceiveMessageResult><Message><MessageId>id-1<\/MessageId>/);
  });

  it('ReceiveMessage with no messages has an empty Result', async () => {
    await roundTrip(new ReceiveMessageCommand({ QueueUrl: URL }), { QueueUrl: URL }, { Messages: [] }, {});
  });

  it('DeleteMessage', async () => {
    const input = { QueueUrl: URL, ReceiptHandle: 'AQEB+/=' };
    await roundTrip(new DeleteMessageCommand(input), input);
  });

  it('DeleteMessageBatch', async () => {
    const input = {
      QueueUrl: URL,
      Entries: [
        { Id: 'a', ReceiptHandle: 'h1' },
        { Id: 'b', ReceiptHandle: 'h2' },
      ],
    };
    const output = {
      Successful: [{ Id: 'a' }],
      Failed: [{ Id: 'b', SenderFault: false, Code: 'InternalError', Message: 'oops' }],
    };
    await roundTrip(new DeleteMessageBatchCommand(input), input, output);
  });

  it('ChangeMessageVisibility keeps a zero timeout', async () => {
    const input = { QueueUrl: URL, ReceiptHandle: 'h', VisibilityTimeout: 0 };
    await roundTrip(new ChangeMessageVisibilityCommand(input), input);
  });

  it('ChangeMessageVisibilityBatch', async () => {
    const input = {
      QueueUrl: URL,
      Entries: [
        { Id: 'a', ReceiptHandle: 'h1', VisibilityTimeout: 60 },
        { Id: 'b', ReceiptHandle: 'h2', VisibilityTimeout: 43200 },
      ],
    };
    const output = {
      Successful: [{ Id: 'a' }, { Id: 'b' }],
    };
    await roundTrip(new ChangeMessageVisibilityBatchCommand(input), input, output);
  });

  it('TagQueue, UntagQueue and ListQueueTags', async () => {
    const tag = { QueueUrl: URL, Tags: { team: 'core', 'cost center': 'a&b' } };
    await roundTrip(new TagQueueCommand(tag), tag);
    const untag = { QueueUrl: URL, TagKeys: ['team', 'cost center'] };
    await roundTrip(new UntagQueueCommand(untag), untag);
    await roundTrip(new ListQueueTagsCommand({ QueueUrl: URL }), { QueueUrl: URL }, { Tags: tag.Tags });
  });

  it('ListDeadLetterSourceQueues returns queueUrls (lower-case, as in the model)', async () => {
    const input = { QueueUrl: URL, NextToken: 't', MaxResults: 5 };
    await roundTrip(new ListDeadLetterSourceQueuesCommand(input), input, {
      queueUrls: [URL],
      NextToken: 'n',
    });
  });

  it('AddPermission and RemovePermission', async () => {
    const add = {
      QueueUrl: URL,
      Label: 'l1',
      AWSAccountIds: ['111122223333', '444455556666'],
      Actions: ['SendMessage', '*'],
    };
    const seen = await roundTrip(new AddPermissionCommand(add), add);
    assert.equal(seen.params.get('ActionName.2'), '*');
    await roundTrip(new RemovePermissionCommand({ QueueUrl: URL, Label: 'l1' }), {
      QueueUrl: URL,
      Label: 'l1',
    });
  });

  it('StartMessageMoveTask, ListMessageMoveTasks and CancelMessageMoveTask', async () => {
    const start = { SourceArn: DLQ_ARN, DestinationArn: ARN, MaxNumberOfMessagesPerSecond: 50 };
    await roundTrip(new StartMessageMoveTaskCommand(start), start, { TaskHandle: 'handle==' });
    const list = { SourceArn: DLQ_ARN, MaxResults: 10 };
    const task = {
      TaskHandle: 'handle==',
      Status: 'RUNNING',
      SourceArn: DLQ_ARN,
      DestinationArn: ARN,
      MaxNumberOfMessagesPerSecond: 50,
      ApproximateNumberOfMessagesMoved: 12,
      ApproximateNumberOfMessagesToMove: 30,
      StartedTimestamp: 1700000000000,
    };
    const failed = {
      Status: 'FAILED',
      SourceArn: DLQ_ARN,
      FailureReason: 'Destination <gone>',
      StartedTimestamp: 1,
    };
    await roundTrip(new ListMessageMoveTasksCommand(list), list, { Results: [task, failed] });
    await roundTrip(
      new CancelMessageMoveTaskCommand({ TaskHandle: 'handle==' }),
      { TaskHandle: 'handle==' },
      { ApproximateNumberOfMessagesMoved: 12 },
    );
  });
});
