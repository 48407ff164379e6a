import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { snsSetup } from './sns-support.js';

describe('SNS topics, subscriptions and tags over @aws-sdk/client-sns', async () => {
  let env: Awaited<ReturnType<typeof snsSetup>>;
  before(async () => {
    env = await snsSetup({ time: 'manual' });
  });
  after(() => env.teardown());

  it('CreateTopic is idempotent and refuses other attributes or tags for an existing name', async () => {
    const Name = env.name('idem');
    const first = await env.sns('CreateTopic', {
      Name,
      Attributes: { DisplayName: 'd' },
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    assert.equal(first.TopicArn, `arn:aws:sns:us-east-1:000000000000:${Name}`);
    const again = await env.sns('CreateTopic', { Name, Attributes: { DisplayName: 'd' } });
    assert.equal(again.TopicArn, first.TopicArn);
    const attrs = await env.snsError('CreateTopic', { Name, Attributes: { DisplayName: 'other' } });
    assert.equal(attrs.name, 'InvalidParameterException');
    assert.match(attrs.message, /already exists with different attributes/);
    const tags = await env.snsError('CreateTopic', { Name, Tags: [{ Key: 'k', Value: 'w' }] });
    assert.match(tags.message, /different tags/);
  });

  it('validates topic names and FIFO topics', async () => {
    assert.equal((await env.snsError('CreateTopic', { Name: 'bad name' })).name, 'InvalidParameterException');
    assert.equal(
      (await env.snsError('CreateTopic', { Name: 'x', Attributes: { FifoTopic: 'true' } })).name,
      'InvalidParameterException',
    );
    const fifo = await env.sns('CreateTopic', {
      Name: `${env.name('f')}.fifo`,
      Attributes: { FifoTopic: 'true' },
    });
    const { Attributes } = await env.sns('GetTopicAttributes', { TopicArn: fifo.TopicArn });
    assert.equal(Attributes.FifoTopic, 'true');
  });

  it('lists topics 100 per page with NextToken, and DeleteTopic removes them (idempotently)', async () => {
    const created = [];
    for (let i = 0; i < 105; i++) created.push(await env.topic());
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await env.sns('ListTopics', { NextToken });
      assert.ok(page.Topics.length <= 100);
      seen.push(...page.Topics.map((t: { TopicArn: string }) => t.TopicArn));
      NextToken = page.NextToken;
    } while (NextToken);
    for (const arn of created) assert.ok(seen.includes(arn));
    for (const TopicArn of created) await env.sns('DeleteTopic', { TopicArn });
    await env.sns('DeleteTopic', { TopicArn: created[0] });
    const err = await env.snsError('GetTopicAttributes', { TopicArn: created[0] });
    assert.equal(err.name, 'NotFoundException');
    assert.equal(err.message, 'Topic does not exist');
  });

  it('gets and sets topic attributes, refusing unknown names and bad values', async () => {
    const TopicArn = await env.topic();
    await env.sns('SetTopicAttributes', { TopicArn, AttributeName: 'DisplayName', AttributeValue: 'Hello' });
    await env.sns('SetTopicAttributes', { TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' });
    const { Attributes } = await env.sns('GetTopicAttributes', { TopicArn });
    assert.equal(Attributes.DisplayName, 'Hello');
    assert.equal(Attributes.SignatureVersion, '2');
    assert.equal(Attributes.TopicArn, TopicArn);
    assert.equal(Attributes.SubscriptionsConfirmed, '0');
    assert.ok(JSON.parse(Attributes.Policy).Statement);
    for (const [AttributeName, AttributeValue] of [
      ['Nope', 'x'],
      ['SignatureVersion', '3'],
      ['ContentBasedDeduplication', 'true'],
    ]) {
      const err = await env.snsError('SetTopicAttributes', { TopicArn, AttributeName, AttributeValue });
      assert.equal(err.name, 'InvalidParameterException', AttributeName);
    }
  });

  it('subscribes queues, lists subscriptions, gets, sets and validates subscription attributes, unsubscribes', async () => {
    const TopicArn = await env.topic();
    const { SubscriptionArn, arn } = await env.subscribedQueue(TopicArn, { RawMessageDelivery: 'true' });
    assert.match(SubscriptionArn, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    const again = await env.sns('Subscribe', {
      TopicArn,
      Protocol: 'sqs',
      Endpoint: arn,
      Attributes: { RawMessageDelivery: 'true' },
    });
    assert.equal(again.SubscriptionArn, SubscriptionArn);
    const byTopic = await env.sns('ListSubscriptionsByTopic', { TopicArn });
    assert.deepEqual(byTopic.Subscriptions, [
      { SubscriptionArn, Owner: '000000000000', Protocol: 'sqs', Endpoint: arn, TopicArn },
    ]);
    const all = await env.sns('ListSubscriptions', {});
    assert.ok(
      all.Subscriptions.some((s: { SubscriptionArn: string }) => s.SubscriptionArn === SubscriptionArn),
    );
    await env.sns('SetSubscriptionAttributes', {
      SubscriptionArn,
      AttributeName: 'FilterPolicy',
      AttributeValue: '{"a":["b"]}',
    });
    const { Attributes } = await env.sns('GetSubscriptionAttributes', { SubscriptionArn });
    assert.equal(Attributes.RawMessageDelivery, 'true');
    assert.equal(Attributes.FilterPolicy, '{"a":["b"]}');
    assert.equal(Attributes.FilterPolicyScope, 'MessageAttributes');
    assert.equal(Attributes.PendingConfirmation, 'false');
    assert.equal(Attributes.Protocol, 'sqs');
    const cases: Array<[string, string, RegExp]> = [
      ['TopicArn', 'x', /AttributeName/],
      ['Endpoint', 'x', /AttributeName/],
      ['FilterPolicy', '{"a":"b"}', /FilterPolicy/],
      ['FilterPolicy', '{"a":{"b":["c"]}}', /does not support nested filter policy/],
      ['RawMessageDelivery', 'maybe', /RawMessageDelivery/],
      ['RedrivePolicy', '{"deadLetterTargetArn":"nope"}', /deadLetterTargetArn/],
      ['DeliveryPolicy', '{"healthyRetryPolicy":{"numRetries":3}}', /sqs/],
    ];
    for (const [AttributeName, AttributeValue, message] of cases) {
      const err = await env.snsError('SetSubscriptionAttributes', {
        SubscriptionArn,
        AttributeName,
        AttributeValue,
      });
      assert.equal(err.name, 'InvalidParameterException', `${AttributeName}=${AttributeValue}`);
      assert.match(err.message, message);
    }
    await env.sns('SetSubscriptionAttributes', {
      SubscriptionArn,
      AttributeName: 'FilterPolicyScope',
      AttributeValue: 'MessageBody',
    });
    const nested = await env.sns('SetSubscriptionAttributes', {
      SubscriptionArn,
      AttributeName: 'FilterPolicy',
      AttributeValue: '{"a":{"b":["c"]}}',
    });
    assert.ok(nested);
    await env.sns('Unsubscribe', { SubscriptionArn });
    assert.equal(
      (await env.snsError('GetSubscriptionAttributes', { SubscriptionArn })).name,
      'NotFoundException',
    );
  });

  it('refuses unsupported protocols, bad endpoints and standard topics to FIFO queues', async () => {
    const TopicArn = await env.topic();
    const cases: Array<[string, string]> = [
      ['email', 'a@b.c'],
      ['sqs', 'not-an-arn'],
      ['sqs', 'arn:aws:sqs:us-east-1:000000000000:q.fifo'],
      ['http', 'https://127.0.0.1/x'],
    ];
    for (const [Protocol, Endpoint] of cases) {
      const err = await env.snsError('Subscribe', { TopicArn, Protocol, Endpoint });
      assert.equal(err.name, 'InvalidParameterException', `${Protocol} ${Endpoint}`);
    }
    assert.equal(
      (
        await env.snsError('Subscribe', {
          TopicArn: `${TopicArn}x`,
          Protocol: 'sqs',
          Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q',
        })
      ).name,
      'NotFoundException',
    );
  });

  it('tags, untags and lists tags of topics', async () => {
    const ResourceArn = await env.topic();
    await env.sns('TagResource', {
      ResourceArn,
      Tags: [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '2' },
      ],
    });
    await env.sns('UntagResource', { ResourceArn, TagKeys: ['a'] });
    assert.deepEqual((await env.sns('ListTagsForResource', { ResourceArn })).Tags, [
      { Key: 'b', Value: '2' },
    ]);
    const err = await env.snsError('ListTagsForResource', { ResourceArn: `${ResourceArn}-gone` });
    assert.equal(err.name, 'ResourceNotFoundException');
  });
});
