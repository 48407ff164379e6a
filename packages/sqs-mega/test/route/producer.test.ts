import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type ApplyResult,
  applyTopology,
  NoRouteError,
  Producer,
  RouteError,
  readMegaEvent,
  type Topology,
  TopologyError,
  validateTopology,
} from 'sqs-mega';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';

const topology: Topology = {
  queues: [
    { name: 'billing' },
    { name: 'shipping' },
    { name: 'misc' },
    { name: 'orders-audit' },
    { name: 'jobs.fifo' },
  ],
  topics: [{ name: 'orders' }],
  subscriptions: [{ topic: 'orders', queue: 'orders-audit', rawMessageDelivery: true }],
  routes: [
    { events: 'order.*', topic: 'orders' },
    { events: ['order.shipped', 'parcel.*'], queue: 'shipping' },
    { events: 'invoice.created', queue: 'billing' },
    { events: 'job.*', queue: 'jobs.fifo' },
    { events: '*', queue: 'misc' },
  ],
};

let broker: TestBroker;
let sqs: SQSClient;
let sns: SNSClient;
let applied: ApplyResult;
before(async () => {
  broker = await startTestBroker();
  sqs = new SQSClient(broker.clientConfig);
  sns = new SNSClient(broker.clientConfig);
  applied = await applyTopology({ sqs, sns }, topology);
});
after(async () => {
  sqs.destroy();
  sns.destroy();
  await broker.stop();
});

async function drain(queue: string): Promise<string[]> {
  const url = applied.queues[queue]?.url;
  assert.ok(url, queue);
  const names: string[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!out.Messages?.length) return names.sort();
    for (const m of out.Messages) names.push(readMegaEvent(JSON.parse(m.Body ?? '')).event.name);
  }
}

describe('Producer: one producer API, routed by event name from the topology', () => {
  test('each event goes to its route: exact names beat prefixes, longer prefixes beat shorter, * takes the rest', async () => {
    const producer = new Producer({
      sqs,
      sns,
      routes: topology.routes ?? [],
      destinations: applied,
      targets: { 'jobs.fifo': { groupId: 'subject', deduplicationId: 'content' } },
    });
    const results = await Promise.all([
      producer.publishEvent({ name: 'order.placed', subject: 'o-1' }),
      producer.publishEvent({ name: 'order.item.added', subject: 'o-1' }),
      producer.publishEvent({ name: 'order.shipped', subject: 'o-1' }),
      producer.publishEvent({ name: 'parcel.lost', subject: 'p-1' }),
      producer.publishEvent({ name: 'invoice.created', subject: 'i-1' }),
      producer.publishEvent({ name: 'job.started', subject: 'j-1' }),
      producer.publishEvent({ name: 'user.signed_up', subject: 'u-1' }),
      producer.publishEvent({ name: 'orders.x', subject: 'u-1' }), // not order.*: a whole segment
    ]);
    assert.deepEqual(
      results.map((r) => `${r.target.kind}:${r.target.name}`),
      [
        'topic:orders',
        'topic:orders',
        'queue:shipping',
        'queue:shipping',
        'queue:billing',
        'queue:jobs.fifo',
        'queue:misc',
        'queue:misc',
      ],
    );
    for (const r of results) assert.match(r.messageId, /\S/);
    assert.ok(results[5]?.sequenceNumber, 'the FIFO target got its group id from the per-target options');
    assert.deepEqual(await drain('orders-audit'), ['order.item.added', 'order.placed']);
    assert.deepEqual(await drain('shipping'), ['order.shipped', 'parcel.lost']);
    assert.deepEqual(await drain('billing'), ['invoice.created']);
    assert.deepEqual(await drain('jobs.fifo'), ['job.started']);
    assert.deepEqual(await drain('misc'), ['orders.x', 'user.signed_up']);
    assert.deepEqual(producer.routeOf('order.refunded'), { topic: 'orders' });
  });

  test('without a catch-all, an unrouted event is refused with NoRouteError, sending nothing', async () => {
    const producer = new Producer({
      sqs,
      routes: [{ events: 'invoice.*', queue: 'billing' }],
      destinations: applied,
    });
    await assert.rejects(
      producer.publishEvent({ name: 'user.deleted' }),
      (e) => e instanceof NoRouteError && e.eventName === 'user.deleted',
    );
    await assert.rejects(producer.publish({ not: 'an event' } as never), { name: 'MegaEventError' });
    assert.deepEqual(await drain('misc'), []);
  });

  test('bad routes are refused at construction, naming the field', () => {
    const make = (routes: unknown[], extra = {}) =>
      new Producer({ sqs, sns, routes: routes as never, destinations: applied, ...extra });
    assert.throws(
      () => make([{ events: 'a.*', queue: 'nope' }]),
      (e) => e instanceof RouteError && e.field === 'routes[0].queue',
    );
    assert.throws(
      () => make([{ events: 'a', queue: 'billing', topic: 'orders' }]),
      /exactly one of queue or topic/,
    );
    assert.throws(
      () =>
        make([
          { events: 'a.b', queue: 'billing' },
          { events: ['a.b'], queue: 'misc' },
        ]),
      /a\.b is routed twice/,
    );
    assert.throws(() => make([{ events: 'Order Placed', queue: 'billing' }]), /is not an event name/);
    assert.throws(() => make([{ events: [], queue: 'billing' }]), /at least one event/);
    assert.throws(
      () => new Producer({ sqs, routes: [{ events: '*', topic: 'orders' }], destinations: applied }),
      /needs the sns client/,
    );
  });

  test('validateTopology checks routes against the declared queues and topics', () => {
    const base = { queues: [{ name: 'q' }], topics: [{ name: 't' }] };
    assert.equal(validateTopology({ ...base, routes: [{ events: 'x.*', topic: 't' }] }).routes.length, 1);
    assert.throws(
      () => validateTopology({ ...base, routes: [{ events: 'x', queue: 'other' }] }),
      (e) => e instanceof TopologyError && e.field === 'routes[0].queue',
    );
    assert.throws(
      () =>
        validateTopology({
          ...base,
          routes: [
            { events: 'x', topic: 't' },
            { events: 'x', queue: 'q' },
          ],
        }),
      (e) => e instanceof TopologyError && e.field === 'routes[1].events' && /routed twice/.test(e.message),
    );
    const loop: Record<string, unknown> = { events: 'x', queue: 'q' };
    loop.self = loop; // a circular value is reported, not a TypeError from JSON.stringify
    assert.throws(
      () => validateTopology({ ...base, routes: [loop] }),
      (e) => e instanceof TopologyError && e.field === 'routes[0].self',
    );
  });
});
