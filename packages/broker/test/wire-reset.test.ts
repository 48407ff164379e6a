// Issue 24, item 5: the reset routes of moto's server mode and LocalStack, off by default, signed when
// the broker requires credentials, and the same from the test kit; plus the docs/clients.md example a
// moto-style boto3 suite would run.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as sns from '@aws-sdk/client-sns';
import * as sqs from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { startBroker } from 'sqs-mega-broker';
import { startTestBroker } from 'sqs-mega-broker/testing';
import { clientEnv, docExample, PYTHON, requireClient, run, skipClients } from './fixtures/clients.js';
import { startBrokerProcess } from './support/broker-process.js';

const config = (url: string, accessKeyId = 'test', secretAccessKey = 'test') => ({
  endpoint: url,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: 1,
});

/** A queue with a message, a topic with a subscription to it; returns the clients. */
async function populate(url: string, key?: string, secret?: string) {
  const q = new sqs.SQSClient(config(url, key, secret));
  const t = new sns.SNSClient(config(url, key, secret));
  const { QueueUrl } = await q.send(new sqs.CreateQueueCommand({ QueueName: 'orders' }));
  await q.send(new sqs.CreateQueueCommand({ QueueName: 'orders.fifo', Attributes: { FifoQueue: 'true' } }));
  await q.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: 'm' }));
  const { TopicArn } = await t.send(new sns.CreateTopicCommand({ Name: 'events' }));
  await t.send(
    new sns.SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:us-east-1:000000000000:orders',
    }),
  );
  const state = async () => ({
    queues: (await q.send(new sqs.ListQueuesCommand({}))).QueueUrls ?? [],
    topics: (await t.send(new sns.ListTopicsCommand({}))).Topics ?? [],
    subscriptions: (await t.send(new sns.ListSubscriptionsCommand({}))).Subscriptions ?? [],
  });
  return {
    q,
    QueueUrl: QueueUrl as string,
    state,
    destroy: () => {
      q.destroy();
      t.destroy();
    },
  };
}

const EMPTY = { queues: [], topics: [], subscriptions: [] };

describe('reset API', () => {
  for (const path of ['/moto-api/reset', '/_localstack/state/reset']) {
    it(`POST ${path} deletes every queue, message, topic and subscription; names are free at once`, async () => {
      const broker = await startTestBroker();
      const env = await populate(broker.url);
      try {
        const inFlight = await env.q.send(
          new sqs.ReceiveMessageCommand({ QueueUrl: env.QueueUrl, VisibilityTimeout: 60 }),
        );
        assert.equal(inFlight.Messages?.length, 1);
        const { QueueUrl: fifoUrl } = await env.q.send(
          new sqs.GetQueueUrlCommand({ QueueName: 'orders.fifo' }),
        );
        const waiting = env.q.send(new sqs.ReceiveMessageCommand({ QueueUrl: fifoUrl, WaitTimeSeconds: 10 }));
        await new Promise((r) => setTimeout(r, 100));
        const started = Date.now();
        const res = await fetch(`${broker.url}${path}`, { method: 'POST' });
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { status: 'ok' });
        assert.equal(
          (await waiting).Messages,
          undefined,
          'a receive waiting on a deleted queue returns empty',
        );
        assert.ok(Date.now() - started < 2_000);
        assert.deepEqual(await env.state(), EMPTY);
        // no QueueDeletedRecently hold: a suite recreates its queues right away, empty
        const { QueueUrl } = await env.q.send(new sqs.CreateQueueCommand({ QueueName: 'orders' }));
        const again = await env.q.send(new sqs.ReceiveMessageCommand({ QueueUrl }));
        assert.equal(again.Messages, undefined);
        const get = await fetch(`${broker.url}${path}`);
        assert.equal(get.status, 400);
      } finally {
        env.destroy();
        await broker.stop();
      }
    });
  }

  it('is off by default on a broker (404, nothing deleted); broker.reset() works either way', async () => {
    const broker = await startBroker({ port: 0, inMemory: true });
    const env = await populate(broker.url);
    try {
      const res = await fetch(`${broker.url}/moto-api/reset`, { method: 'POST' });
      assert.equal(res.status, 404);
      assert.match(((await res.json()) as { error: string }).error, /--allow-reset/);
      assert.equal((await env.state()).queues.length, 2);
      await broker.reset();
      assert.deepEqual(await env.state(), EMPTY);
    } finally {
      env.destroy();
      await broker.stop();
    }
  });

  it('`mega serve` serves the routes only with --allow-reset', async () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'mega-reset-')), mkdtempSync(join(tmpdir(), 'mega-reset-'))];
    const off = await startBrokerProcess(dirs[0] as string, ['--in-memory']);
    const on = await startBrokerProcess(dirs[1] as string, ['--in-memory', '--allow-reset']);
    try {
      const q = new sqs.SQSClient(config(on.url));
      await q.send(new sqs.CreateQueueCommand({ QueueName: 'cli' }));
      assert.equal((await fetch(`${off.url}/moto-api/reset`, { method: 'POST' })).status, 404);
      assert.equal((await fetch(`${on.url}/_localstack/state/reset`, { method: 'POST' })).status, 200);
      assert.deepEqual((await q.send(new sqs.ListQueuesCommand({}))).QueueUrls ?? [], []);
      q.destroy();
    } finally {
      await off.stop();
      await on.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with credentials required, an unsigned reset is refused and a signed one resets', async () => {
    const broker = await startBroker({
      port: 0,
      inMemory: true,
      allowReset: true,
      credentials: { AKIDRESET: 'reset-secret' },
    });
    const env = await populate(broker.url, 'AKIDRESET', 'reset-secret');
    try {
      const unsigned = await fetch(`${broker.url}/_localstack/state/reset`, { method: 'POST' });
      assert.equal(unsigned.status, 403);
      assert.equal((await env.state()).queues.length, 2);
      const wrongKey = await sign(broker.url, '/moto-api/reset', 'AKIDRESET', 'not-the-secret');
      assert.equal(wrongKey.status, 403);
      const signed = await sign(broker.url, '/moto-api/reset', 'AKIDRESET', 'reset-secret');
      assert.equal(signed.status, 200);
      assert.deepEqual(await env.state(), EMPTY);
    } finally {
      env.destroy();
      await broker.stop();
    }
  });

  it('the moto-style boto3 suite of docs/clients.md runs against the broker, resetting between tests', {
    skip: skipClients,
  }, async () => {
    // Debian's boto3 (Query protocol) and a current one on PATH (JSON protocol), whichever are here
    const pythons: string[] = [];
    for (const python of [PYTHON, 'python3']) {
      const probe = await run(python, ['-c', 'import boto3'], clientEnv()).catch(() => undefined);
      if (probe?.code === 0) pythons.push(python);
    }
    if (pythons.length === 0)
      await requireClient('Debian python3 with boto3', 'python3-boto3', [PYTHON, '-c', 'import boto3']);
    const broker = await startTestBroker();
    try {
      const code = docExample('python', 'moto-api/reset', broker.url);
      for (const python of pythons) {
        const out = await run(python, ['-c', code], clientEnv());
        assert.equal(out.code, 0, `${python}: ${out.stderr}`);
        assert.equal(out.stdout, 'test_send: 1 message\ntest_empty: 0 messages\n');
      }
    } finally {
      await broker.stop();
    }
  });
});

/** POSTs to a reset path signed with SigV4 (service sqs), as an SDK-based suite helper would. */
async function sign(base: string, path: string, accessKeyId: string, secretAccessKey: string) {
  const url = new URL(path, base);
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region: 'us-east-1',
    service: 'sqs',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: { host: url.host },
    body: '',
  });
  return fetch(url, { method: 'POST', headers: signed.headers as Record<string, string> });
}

/** SHA-256 / HMAC for the signer. */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(d: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(typeof d === 'string' ? d : Buffer.from(d as ArrayBuffer));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}
