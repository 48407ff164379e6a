import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createMegaEvent } from 'sqs-mega';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';
import { csrfToken } from '../src/dashboard/access.js';
import type { DashboardState, PeekResult } from '../src/dashboard/api.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request with exactly the headers given (fetch would add or refuse some). */
function raw(url: string, method: string, headers: Record<string, string> = {}, body = ''): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_POST = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'x-mega-csrf': csrfToken(),
  ...extra,
});

describe('dashboard API', () => {
  let broker: TestBroker;
  let sns: SNSClient;

  before(async () => {
    broker = await startTestBroker({
      queues: [{ name: 'orders', deadLetter: { maxReceiveCount: 1 } }, 'audit.fifo'],
    });
    sns = new SNSClient(broker.clientConfig);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'events' }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: broker.queues.orders?.arn,
        Attributes: { FilterPolicy: '{"type":["order"]}' },
      }),
    );
  });
  after(async () => {
    sns.destroy();
    await broker.stop();
  });

  const state = async () =>
    JSON.parse((await raw(`${broker.url}/_mega/api/state`, 'GET')).body) as DashboardState;

  it('reports queues with counts, FIFO and dead-letter relations, topics and filter policies', async () => {
    await broker.sqsClient.send(
      new SendMessageCommand({ QueueUrl: broker.queues.orders?.url, MessageBody: 'a' }),
    );
    const s = await state();
    const orders = s.queues.find((q) => q.name === 'orders');
    const dlq = s.queues.find((q) => q.name === 'orders-dlq');
    assert.deepEqual([orders?.visible, orders?.inFlight, orders?.delayed], [1, 0, 0]);
    assert.deepEqual(orders?.deadLetterTarget, { arn: dlq?.arn, name: 'orders-dlq', maxReceiveCount: 1 });
    assert.deepEqual(dlq?.deadLetterSources, ['orders']);
    assert.equal(s.queues.find((q) => q.name === 'audit.fifo')?.fifo, true);
    assert.equal(s.redrive, true);
    const subscription = s.topics.find((t) => t.name === 'events')?.subscriptions[0];
    assert.equal(subscription?.filterPolicy, '{"type":["order"]}');
    assert.equal(subscription?.protocol, 'sqs');
    assert.equal(subscription?.confirmed, true);
  });

  it('peeks at messages without receiving them, decoding MEGA events', async () => {
    const url = broker.queues.orders?.url as string;
    const event = createMegaEvent({ name: 'order.placed', subject: '42', attributes: { total: 9 } });
    await broker.sqsClient.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(event) }),
    );
    const peek = async () =>
      JSON.parse((await raw(`${broker.url}/_mega/api/peek?queue=orders&limit=10`, 'GET')).body) as PeekResult;
    const first = await peek();
    const again = await peek();
    assert.equal(first.total, 2);
    assert.deepEqual(again, first);
    const mega = first.messages[1];
    assert.equal(mega?.decoded.kind, 'mega');
    assert.equal(mega?.decoded.kind === 'mega' && mega.decoded.name, 'order.placed');
    assert.equal(mega?.receiveCount, 0);
    // the messages are still receivable, and were never received before
    const received = await broker.sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    assert.equal(received.Messages?.length, 2);
    for (const m of received.Messages ?? []) assert.equal(m.Attributes?.ApproximateReceiveCount, '1');
    const afterReceive = await peek();
    assert.deepEqual(
      afterReceive.messages.map((m) => [m.state, m.receiveCount]),
      [
        ['inFlight', 1],
        ['inFlight', 1],
      ],
    );
  });

  it('sends and purges through the SQS actions, with the CSRF token', async () => {
    const post = (path: string, body: object, headers = JSON_POST()) =>
      raw(`${broker.url}/_mega/api/${path}`, 'POST', headers, JSON.stringify(body));
    const sent = await post('send', {
      queue: 'audit.fifo',
      body: 'hello',
      groupId: 'g',
      deduplicationId: 'd1',
    });
    assert.equal(sent.status, 200, sent.body);
    assert.match(JSON.parse(sent.body).MessageId, /^[0-9a-f-]{36}$/);
    const refused = await post('send', { queue: 'audit.fifo', body: 'no group' });
    assert.equal(refused.status, 400);
    assert.equal(JSON.parse(refused.body).error, 'MissingParameter');
    assert.equal((await state()).queues.find((q) => q.name === 'audit.fifo')?.visible, 1);
    assert.equal((await post('purge', { queue: 'audit.fifo' })).status, 200);
    assert.equal((await state()).queues.find((q) => q.name === 'audit.fifo')?.visible, 0);
    assert.equal((await post('purge', { queue: 'nope' })).status, 400);
  });

  it('refuses state-changing requests without the CSRF token, or from another site', async () => {
    const post = (headers: Record<string, string>) =>
      raw(`${broker.url}/_mega/api/send`, 'POST', headers, JSON.stringify({ queue: 'orders', body: 'x' }));
    assert.equal((await post({ 'content-type': 'application/json' })).status, 403);
    assert.equal((await post(JSON_POST({ 'x-mega-csrf': 'guess' }))).status, 403);
    assert.equal((await post(JSON_POST({ origin: 'https://attacker.example' }))).status, 403);
    assert.equal((await post(JSON_POST({ 'sec-fetch-site': 'cross-site' }))).status, 403);
    assert.equal((await post({ 'x-mega-csrf': csrfToken(), 'content-type': 'text/plain' })).status, 400);
    assert.equal((await raw(`${broker.url}/_mega/api/send`, 'GET')).status, 405);
    const foreign = await raw(`${broker.url}/`, 'GET', { host: 'attacker.example' });
    assert.equal(foreign.status, 403);
  });

  it('streams state events, about one a second, resuming after the last event id', async () => {
    const first = await raw(`${broker.url}/_mega/events`, 'GET', { accept: 'text/event-stream' });
    assert.equal(first.headers['content-type'], 'text/event-stream; charset=utf-8');
    const id = Number(/^id: (\d+)$/m.exec(first.body)?.[1]);
    assert.match(first.body, /^retry: \d+$/m);
    assert.match(first.body, /^event: state$/m);
    const data = JSON.parse(/^data: (.*)$/m.exec(first.body)?.[1] ?? '') as DashboardState;
    assert.ok(data.queues.some((q) => q.name === 'orders'));
    const started = Date.now();
    const next = await raw(`${broker.url}/_mega/events`, 'GET', { 'last-event-id': String(id) });
    const nextId = Number(/^id: (\d+)$/m.exec(next.body)?.[1]);
    assert.ok(nextId > id, `${nextId} > ${id}`);
    assert.ok(Date.now() - started < 2500);
    const samples = (JSON.parse(/^data: (.*)$/m.exec(next.body)?.[1] ?? '') as DashboardState).throughput;
    assert.ok(samples.length >= 1);
  });

  it('serves the AWS APIs on the same port as before (a GET with Action is the Query protocol)', async () => {
    const reply = await raw(`${broker.url}/?Action=ListQueues&Version=2012-11-05`, 'GET');
    assert.equal(reply.status, 200);
    assert.match(reply.body, /<ListQueuesResponse/);
    const missing = await raw(`${broker.url}/`, 'POST', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.match(missing.body, /MissingAction/);
  });
});

describe('dashboard page sources', () => {
  it('type-check (esbuild only strips the types)', () => {
    const root = new URL('../../../', import.meta.url);
    const tsc = new URL('node_modules/typescript/bin/tsc', root).pathname;
    execFileSync(process.execPath, [tsc, '-p', 'packages/broker/dashboard'], { cwd: root, stdio: 'pipe' });
  });
});

describe('dashboard with credentials', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ credentials: { AKIADASH: 'dash-secret' } });
  });
  after(() => broker.stop());
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('asks for an access key id and its secret (HTTP Basic)', async () => {
    const anonymous = await raw(`${broker.url}/`, 'GET');
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Basic realm=/);
    assert.equal(
      (await raw(`${broker.url}/_mega/api/state`, 'GET', { authorization: basic('AKIADASH', 'nope') }))
        .status,
      401,
    );
    assert.equal(
      (await raw(`${broker.url}/_mega/api/state`, 'GET', { authorization: basic('other', 'dash-secret') }))
        .status,
      401,
    );
    const ok = await raw(`${broker.url}/_mega/api/state`, 'GET', {
      authorization: basic('AKIADASH', 'dash-secret'),
    });
    assert.equal(ok.status, 200);
  });
});
