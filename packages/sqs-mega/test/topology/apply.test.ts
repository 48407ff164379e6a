import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListSubscriptionsCommand, ListTopicsCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';
import {
  applyTopology,
  formatPlan,
  type PlanStep,
  planTopology,
  type Topology,
  type TopologyClients,
  TopologyConflictError,
} from '../../src/index.js';

const shop: Topology = {
  queues: [
    {
      name: 'billing',
      attributes: { VisibilityTimeout: 60 },
      deadLetter: { queue: 'billing-dlq', maxReceiveCount: 3 },
    },
    { name: 'billing-dlq', attributes: { MessageRetentionPeriod: 1209600 } },
    { name: 'audit' },
    { name: 'jobs.fifo', attributes: { ContentBasedDeduplication: true } },
  ],
  topics: [{ name: 'orders', attributes: { DisplayName: 'Orders' } }, { name: 'jobs.fifo' }],
  subscriptions: [
    { topic: 'orders', queue: 'billing', filterPolicy: { type: ['invoice'] }, rawMessageDelivery: true },
    { topic: 'orders', queue: 'audit' },
    { topic: 'jobs.fifo', queue: 'jobs.fifo' },
  ],
};

const summary = (steps: PlanStep[]) => steps.map((s) => `${s.action} ${s.kind} ${s.resource}`);

describe('topology against the broker', () => {
  let broker: TestBroker;
  let clients: TopologyClients;
  before(async () => {
    broker = await startTestBroker();
    clients = { sqs: new SQSClient(broker.clientConfig), sns: new SNSClient(broker.clientConfig) };
  });
  after(async () => {
    clients.sqs.destroy();
    clients.sns.destroy();
    await broker.stop();
  });

  it('plans everything as create on an empty broker, dead-letter queues first, and changes nothing', async () => {
    const steps = await planTopology(clients, shop);
    assert.deepEqual(summary(steps), [
      'create queue billing-dlq',
      'create queue billing',
      'create queue audit',
      'create queue jobs.fifo',
      'create topic orders',
      'create topic jobs.fifo',
      'create queue-policy billing',
      'create queue-policy audit',
      'create queue-policy jobs.fifo',
      'create subscription orders → billing',
      'create subscription orders → audit',
      'create subscription jobs.fifo → jobs.fifo',
    ]);
    assert.ok(steps[1]?.details.some((d) => d.includes('"maxReceiveCount":3')));
    assert.match(formatPlan(steps), /^\+ create queue billing-dlq$/m);
    assert.match(formatPlan(steps), /12 to create, 0 to update, 0 unchanged, 0 conflicting$/);
    const { QueueUrls = [] } = await clients.sqs.send(new ListQueuesCommand({}));
    assert.deepEqual(QueueUrls, []);
  });

  it('a dry run changes nothing either', async () => {
    const result = await applyTopology(clients, shop, { dryRun: true });
    assert.equal(result.changed, false);
    assert.equal(result.steps.length, 12);
    const { Topics = [] } = await clients.sns.send(new ListTopicsCommand({}));
    assert.deepEqual(Topics, []);
    assert.deepEqual(result.topics.orders, {}, 'a topic to create has no ARN yet, in the same shape');
  });

  it('applies: queues with their dead-letter wiring, topics, policies and subscriptions', async () => {
    const result = await applyTopology(clients, shop);
    assert.equal(result.changed, true);
    const billing = result.queues.billing;
    assert.ok(billing?.url && billing.arn);
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: billing.url, AttributeNames: ['All'] }),
    );
    assert.equal(Attributes.VisibilityTimeout, '60');
    assert.deepEqual(JSON.parse(Attributes.RedrivePolicy ?? '{}'), {
      deadLetterTargetArn: result.queues['billing-dlq']?.arn,
      maxReceiveCount: 3,
    });
    const policy = JSON.parse(Attributes.Policy ?? '{}');
    assert.deepEqual(policy.Statement[0].Principal, { Service: 'sns.amazonaws.com' });
    assert.equal(policy.Statement[0].Condition.ArnEquals['aws:SourceArn'], result.topics.orders?.arn);
    const { Subscriptions = [] } = await clients.sns.send(new ListSubscriptionsCommand({}));
    assert.equal(Subscriptions.length, 3);
  });

  it('queues and topics come back in one shape ({ url?, arn }), the old bare-ARN map as topicArns', async () => {
    const result = await applyTopology(clients, shop);
    const orders = result.topics.orders;
    assert.match(orders?.arn ?? '', /^arn:aws:sns:[^:]+:\d+:orders$/);
    assert.match(result.queues.billing?.arn ?? '', /^arn:aws:sqs:[^:]+:\d+:billing$/);
    assert.deepEqual(Object.keys(orders ?? {}), ['arn']);
    assert.equal(result.topicArns.orders, orders?.arn, 'the deprecated map still holds the bare ARN');
  });

  it('is idempotent: a second plan is all unchanged, a second apply changes nothing', async () => {
    const steps = await planTopology(clients, shop);
    assert.deepEqual(
      steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.action} ${s.resource}`),
      [],
    );
    const again = await applyTopology(clients, shop);
    assert.equal(again.changed, false);
  });

  it('subscriptions with filter policies route: only matching messages reach the filtered queue, raw', async () => {
    const { TopicArn } = await clients.sns.send(new ListTopicsCommand({})).then((r) => ({
      TopicArn: r.Topics?.find((t) => t.TopicArn?.endsWith(':orders'))?.TopicArn,
    }));
    for (const type of ['invoice', 'refund']) {
      await clients.sns.send(
        new PublishCommand({
          TopicArn,
          Message: `a ${type}`,
          MessageAttributes: { type: { DataType: 'String', StringValue: type } },
        }),
      );
    }
    const receive = async (name: string) => {
      const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return Messages.map((m) => m.Body ?? '');
    };
    assert.deepEqual(await receive('billing'), ['a invoice']); // raw: the message itself
    const audit = await receive('audit');
    assert.equal(audit.length, 2); // no filter: both, in the SNS envelope
    assert.deepEqual(audit.map((b) => JSON.parse(b).Message).sort(), ['a invoice', 'a refund']);
  });

  it('a changed attribute, redrive limit or filter policy is an update, applied in place', async () => {
    const changed: Topology = structuredClone(shop);
    const billing = changed.queues?.[0];
    assert.ok(billing);
    billing.attributes = { VisibilityTimeout: 90 };
    billing.deadLetter = { queue: 'billing-dlq', maxReceiveCount: 5 };
    const sub = changed.subscriptions?.[0];
    assert.ok(sub);
    sub.filterPolicy = { type: ['invoice', 'credit-note'] };
    const steps = await planTopology(clients, changed);
    const updates = steps.filter((s) => s.action === 'update');
    assert.deepEqual(
      updates.map((s) => `${s.kind} ${s.resource}: ${s.changes.map((c) => c.name).join(',')}`),
      ['queue billing: VisibilityTimeout,RedrivePolicy', 'subscription orders → billing: FilterPolicy'],
    );
    assert.equal(updates[0]?.changes[0]?.from, '60');
    assert.equal(updates[0]?.changes[0]?.to, '90');
    await applyTopology(clients, changed);
    const after = await planTopology(clients, changed);
    assert.deepEqual(
      after.filter((s) => s.action !== 'unchanged'),
      [],
    );
  });

  it('never deletes: resources, attributes and policy statements it does not declare are kept', async () => {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'audit' }));
    const read = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }),
    );
    const policy = JSON.parse(read.Attributes?.Policy ?? '{}');
    policy.Statement.push({
      Sid: 'Mine',
      Effect: 'Allow',
      Principal: '*',
      Action: 'sqs:ReceiveMessage',
      Resource: '*',
    });
    await clients.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl,
        Attributes: { Policy: JSON.stringify(policy), DelaySeconds: '7' },
      }),
    );
    const steps = await planTopology(clients, { queues: [{ name: 'audit' }] });
    assert.deepEqual(summary(steps), ['unchanged queue audit']);
    await applyTopology(clients, {
      queues: [{ name: 'audit' }],
      topics: [{ name: 'orders' }],
      subscriptions: [{ topic: 'orders', queue: 'audit' }],
    });
    const { QueueUrls = [] } = await clients.sqs.send(new ListQueuesCommand({}));
    assert.equal(QueueUrls.length, 4);
    const kept = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    assert.equal(kept.Attributes?.DelaySeconds, '7');
    assert.deepEqual(
      JSON.parse(kept.Attributes?.Policy ?? '{}').Statement.map((s: { Sid: string }) => s.Sid),
      ['SnsTopicorders', 'Mine'],
    );
    const { Subscriptions = [] } = await clients.sns.send(new ListSubscriptionsCommand({}));
    assert.equal(Subscriptions.length, 3);
  });

  it('a conflicting existing resource is a clear error, and nothing is changed: a dead-letter queue whose RedriveAllowPolicy refuses the source', async () => {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'billing-dlq' }));
    await clients.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl,
        Attributes: { RedriveAllowPolicy: '{"redrivePermission":"denyAll"}' },
      }),
    );
    const topology: Topology = {
      queues: [
        { name: 'billing-dlq' },
        { name: 'shipping', deadLetter: { queue: 'billing-dlq', maxReceiveCount: 2 } },
      ],
    };
    const steps = await planTopology(clients, topology);
    assert.deepEqual(summary(steps), ['unchanged queue billing-dlq', 'conflict queue shipping']);
    assert.match(steps[1]?.details[0] ?? '', /RedriveAllowPolicy of billing-dlq denies every source queue/);
    await assert.rejects(applyTopology(clients, topology), (error: unknown) => {
      assert.ok(error instanceof TopologyConflictError);
      assert.equal(error.conflicts.length, 1);
      assert.match(error.message, /queue shipping: the existing RedriveAllowPolicy/);
      return true;
    });
    await assert.rejects(clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'shipping' })), {
      name: 'QueueDoesNotExist',
    });
    // Declaring the policy on the dead-letter queue resolves it.
    const allowed = structuredClone(topology);
    const dlq = allowed.queues?.[0];
    assert.ok(dlq);
    dlq.attributes = { RedriveAllowPolicy: { redrivePermission: 'allowAll' } };
    await applyTopology(clients, allowed);
    assert.deepEqual(summary(await planTopology(clients, allowed)), [
      'unchanged queue billing-dlq',
      'unchanged queue shipping',
    ]);
  });

  it('a conflicting existing resource: a topic declared with another type than it has', async () => {
    // FIFO-ness is in the name on AWS; an explicit `fifo` contradicting the name is refused up front,
    // and an existing resource of the other type (possible on some emulators) is a conflict.
    await assert.rejects(applyTopology(clients, { topics: [{ name: 'orders', fifo: true }] }), {
      name: 'TopologyError',
      field: 'topics[0].fifo',
    });
  });
});
