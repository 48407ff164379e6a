import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { snsSetup } from './sns-support.js';
import { until } from './support/clients.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real local webhook: records every POST, answers with the next queued status (default 200). */
async function webhook() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, statuses, close: () => new Promise((r) => server.close(r)) };
}

async function confirm(
  env: Awaited<ReturnType<typeof snsSetup>>,
  hook: Awaited<ReturnType<typeof webhook>>,
  TopicArn: string,
  Attributes?: Record<string, string>,
) {
  const sub = await env.sns('Subscribe', {
    TopicArn,
    Protocol: 'http',
    Endpoint: hook.url,
    Attributes,
    ReturnSubscriptionArn: true,
  });
  await until(() => hook.received.length === 1);
  const confirmation = JSON.parse(hook.received[0]!.body);
  assert.equal(confirmation.Type, 'SubscriptionConfirmation');
  assert.equal(hook.received[0]!.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
  const res = await fetch(confirmation.SubscribeURL);
  assert.equal(res.status, 200);
  hook.received.length = 0;
  return sub.SubscriptionArn as string;
}

describe('SNS HTTP/S subscriptions against a real local HTTP server', async () => {
  let env: Awaited<ReturnType<typeof snsSetup>>;
  before(async () => {
    env = await snsSetup({ time: 'manual' });
  });
  after(() => env.teardown());

  it('stays pending until confirmed through the SubscribeURL, then notifications are POSTed with x-amz-sns-* headers', async () => {
    const hook = await webhook();
    const TopicArn = await env.topic();
    const pending = await env.sns('Subscribe', { TopicArn, Protocol: 'http', Endpoint: hook.url });
    assert.equal(pending.SubscriptionArn, 'pending confirmation');
    await until(() => hook.received.length === 1);
    await env.sns('Publish', { TopicArn, Message: 'before confirmation' });
    const token = JSON.parse(hook.received[0]!.body).Token;
    const { SubscriptionArn } = await env.sns('ConfirmSubscription', { TopicArn, Token: token });
    hook.received.length = 0;
    const { MessageId } = await env.sns('Publish', { TopicArn, Message: 'hello' });
    await until(() => hook.received.length === 1);
    const { headers, body } = hook.received[0]!;
    assert.equal(headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(headers['x-amz-sns-message-id'], MessageId);
    assert.equal(headers['x-amz-sns-topic-arn'], TopicArn);
    assert.equal(headers['x-amz-sns-subscription-arn'], SubscriptionArn);
    assert.equal(JSON.parse(body).Message, 'hello');
    assert.equal(
      (await env.snsError('ConfirmSubscription', { TopicArn, Token: 'nope' })).name,
      'InvalidParameterException',
    );
    await hook.close();
  });

  it('raw delivery adds x-amz-sns-rawdelivery and sends the message as is', async () => {
    const hook = await webhook();
    const TopicArn = await env.topic();
    await confirm(env, hook, TopicArn, { RawMessageDelivery: 'true' });
    await env.sns('Publish', { TopicArn, Message: 'raw body' });
    await until(() => hook.received.length === 1);
    assert.equal(hook.received[0]!.headers['x-amz-sns-rawdelivery'], 'true');
    assert.equal(hook.received[0]!.body, 'raw body');
    await hook.close();
  });

  it('retries 500s per the delivery policy (default 3 retries, 20 s apart), then sends to the RedrivePolicy DLQ', async () => {
    const hook = await webhook();
    const TopicArn = await env.topic();
    const dlq = (await env.sqs('CreateQueue', { QueueName: env.name('dlq') })).QueueUrl;
    const dlqArn = (await env.sqs('GetQueueAttributes', { QueueUrl: dlq, AttributeNames: ['QueueArn'] }))
      .Attributes.QueueArn;
    await confirm(env, hook, TopicArn, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn }) });
    hook.statuses.push(500, 500, 500, 500);
    await env.sns('Publish', { TopicArn, Message: 'doomed' });
    await until(() => hook.received.length === 1);
    const clock = env.broker.testClock!;
    await clock.advance(19_000);
    assert.equal(hook.received.length, 1, 'no retry before 20 s');
    for (const n of [2, 3, 4]) {
      await clock.advance(20_000);
      await until(() => hook.received.length === n);
    }
    let dead: Array<{ Body: string }> = [];
    for (let i = 0; i < 100 && dead.length === 0; i++) {
      dead = await env.receive(dlq);
      if (dead.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await clock.advance(60_000);
    assert.equal(hook.received.length, 4, 'no fifth attempt');
    assert.equal(dead.length, 1);
    assert.equal(JSON.parse(dead[0]!.Body).Message, 'doomed');
    await hook.close();
  });

  it('refuses endpoints outside the allow list, naming --sns-allow-hosts', async () => {
    const TopicArn = await env.topic();
    const err = await env.snsError('Subscribe', {
      TopicArn,
      Protocol: 'https',
      Endpoint: 'https://example.com/hook',
    });
    assert.equal(err.name, 'InvalidParameterException');
    assert.match(err.message, /--sns-allow-hosts/);
    assert.match(err.message, /snsAllowHosts/);
  });
});

describe('SNS HTTP deliveries survive a restart', () => {
  it('a delivery failing before a restart is retried by the next broker', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-sns-'));
    const hook = await webhook();
    try {
      let env = await snsSetup({ time: 'manual', dataDir });
      const TopicArn = await env.topic();
      await confirm(env, hook, TopicArn);
      hook.statuses.push(500);
      await env.sns('Publish', { TopicArn, Message: 'persistent' });
      await until(() => hook.received.length === 1);
      await new Promise((r) => setTimeout(r, 50));
      await env.teardown();
      env = await snsSetup({ time: 'manual', dataDir });
      await env.broker.testClock!.advance(20_000);
      await until(() => hook.received.length === 2);
      assert.equal(JSON.parse(hook.received[1]!.body).Message, 'persistent');
      await env.teardown();
    } finally {
      await hook.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
