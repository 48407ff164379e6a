import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { decodeQueryInput, encodeQueryError } from '../src/wire/query/index.js';
import { blobsToBase64, plain, snsClient } from './wire-query-harness.js';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:events';
const SUB = `${TOPIC}:8a21d249-4329-4871-acc6-7be709c6ea7f`;
const TRICKY = `a&b <c> "d" 'e' \r\n\tf 😀`;

/** Sends `command` through the SNS client; asserts the decoded input and the client's parsed output. */
async function roundTrip(
  // biome-ignore lint/suspicious/noExplicitAny: any SNS command
  command: any,
  input: Record<string, unknown>,
  output?: Record<string, unknown>,
  sdkOutput: Record<string, unknown> = output ?? {},
) {
  const h = snsClient();
  h.answer({ output });
  const got = await h.client.send(command);
  assert.deepEqual(h.last().input, input);
  assert.deepEqual(blobsToBase64(plain(got)), sdkOutput);
  return h.last();
}

describe('Query codec: SNS actions round-trip through @aws-sdk/client-sns', () => {
  it('CreateTopic decodes Attributes.entry.N and Tags.member.N', async () => {
    const input = {
      Name: 'events.fifo',
      Attributes: { FifoTopic: 'true', DisplayName: 'a&b' },
      Tags: [
        { Key: 'team', Value: 'core' },
        { Key: 'env', Value: '' },
      ],
    };
    const seen = await roundTrip(new CreateTopicCommand(input), input, { TopicArn: TOPIC });
    assert.equal(seen.params.get('Attributes.entry.1.key'), 'FifoTopic');
    assert.equal(seen.params.get('Tags.member.2.Key'), 'env');
    assert.match(seen.xml, /^<CreateTopicResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/">/);
  });

  it('Publish decodes MessageAttributes.entry.N.Name/Value.* and returns MessageId', async () => {
    const sdkInput = {
      TopicArn: TOPIC,
      Message: TRICKY,
      Subject: 'hi',
      MessageStructure: 'json',
      MessageAttributes: {
        s: { DataType: 'String', StringValue: 'v<1>' },
        a: { DataType: 'String.Array', StringValue: '["x",1]' },
        b: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 255]) },
      },
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
    };
    const seen = await roundTrip(
      new PublishCommand(sdkInput),
      blobsToBase64(sdkInput) as Record<string, unknown>,
      {
        MessageId: 'm-1',
        SequenceNumber: '10000000000000000001',
      },
    );
    assert.equal(seen.params.get('MessageAttributes.entry.3.Value.BinaryValue'), 'AAH/');
  });

  it('PublishBatch decodes entries and returns successes and failures', async () => {
    const input = {
      TopicArn: TOPIC,
      PublishBatchRequestEntries: [
        { Id: '1', Message: 'one', MessageAttributes: { k: { DataType: 'Number', StringValue: '1' } } },
        { Id: '2', Message: TRICKY },
      ],
    };
    const output = {
      Successful: [{ Id: '1', MessageId: 'm-1' }],
      Failed: [{ Id: '2', Code: 'InvalidParameter', SenderFault: true, Message: 'bad <x>' }],
    };
    await roundTrip(new PublishBatchCommand(input), input, output);
  });

  it('Subscribe, ConfirmSubscription and Unsubscribe', async () => {
    const sub = {
      TopicArn: TOPIC,
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q',
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: '{"a":[{"prefix":"<"}]}' },
      ReturnSubscriptionArn: true,
    };
    await roundTrip(new SubscribeCommand(sub), sub, { SubscriptionArn: SUB });
    const confirm = { TopicArn: TOPIC, Token: 'tok', AuthenticateOnUnsubscribe: 'true' };
    await roundTrip(new ConfirmSubscriptionCommand(confirm), confirm, { SubscriptionArn: SUB });
    await roundTrip(new UnsubscribeCommand({ SubscriptionArn: SUB }), { SubscriptionArn: SUB });
  });

  it('ListTopics, ListSubscriptions and ListSubscriptionsByTopic render member lists', async () => {
    const seen = await roundTrip(
      new ListTopicsCommand({ NextToken: 'n' }),
      { NextToken: 'n' },
      { Topics: [{ TopicArn: TOPIC }, { TopicArn: `${TOPIC}2` }], NextToken: 'm' },
    );
    assert.match(seen.xml, /<Topics><member><TopicArn>/);
    const subscription = {
      SubscriptionArn: SUB,
      Owner: '000000000000',
      Protocol: 'sqs',
      Endpoint: 'e',
      TopicArn: TOPIC,
    };
    await roundTrip(new ListSubscriptionsCommand({}), {}, { Subscriptions: [subscription] });
    await roundTrip(
      new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }),
      { TopicArn: TOPIC },
      { Subscriptions: [] },
    );
  });

  it('Get/Set topic and subscription attributes', async () => {
    await roundTrip(
      new GetTopicAttributesCommand({ TopicArn: TOPIC }),
      { TopicArn: TOPIC },
      { Attributes: { TopicArn: TOPIC, Policy: '{"x":"<&>"}' } },
    );
    const set = { TopicArn: TOPIC, AttributeName: 'DisplayName', AttributeValue: 'x' };
    await roundTrip(new SetTopicAttributesCommand(set), set);
    await roundTrip(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: SUB }),
      { SubscriptionArn: SUB },
      { Attributes: { RawMessageDelivery: 'false' } },
    );
    const setSub = { SubscriptionArn: SUB, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' };
    await roundTrip(new SetSubscriptionAttributesCommand(setSub), setSub);
    await roundTrip(new DeleteTopicCommand({ TopicArn: TOPIC }), { TopicArn: TOPIC });
  });

  it('TagResource, UntagResource and ListTagsForResource', async () => {
    const tag = { ResourceArn: TOPIC, Tags: [{ Key: 'a', Value: '1' }] };
    await roundTrip(new TagResourceCommand(tag), tag, {});
    const untag = { ResourceArn: TOPIC, TagKeys: ['a', 'b'] };
    const seen = await roundTrip(new UntagResourceCommand(untag), untag, {});
    assert.equal(seen.params.get('TagKeys.member.2'), 'b');
    await roundTrip(
      new ListTagsForResourceCommand({ ResourceArn: TOPIC }),
      { ResourceArn: TOPIC },
      { Tags: tag.Tags },
    );
  });

  it('decodes a hand-written Publish form the way the AWS documentation writes it', () => {
    const form = new URLSearchParams(
      'Action=Publish&TopicArn=t&Message=m&MessageAttributes.entry.1.Name=n&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v',
    );
    assert.deepEqual(decodeQueryInput('sns', 'Publish', form), {
      Message: 'm',
      TopicArn: 't',
      MessageAttributes: { n: { DataType: 'String', StringValue: 'v' } },
    });
  });

  it('errors: NotFound surfaces as NotFoundException', async () => {
    const h = snsClient();
    h.answer({
      status: 404,
      error: { queryCode: 'NotFound', fault: 'Sender', message: 'Topic does not exist' },
    });
    const err = (await h.client.send(new GetTopicAttributesCommand({ TopicArn: TOPIC })).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    )) as Error;
    assert.equal(err.name, 'NotFoundException');
    assert.equal(err.message, 'Topic does not exist');
    assert.match(
      encodeQueryError('sns', { queryCode: 'NotFound', fault: 'Sender', message: 'x' }, 'r'),
      /^<ErrorResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/">/,
    );
  });
});
