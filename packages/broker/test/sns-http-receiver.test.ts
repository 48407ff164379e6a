import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  CreateTopicCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import express from 'express';
import Fastify from 'fastify';
import {
  expressSnsHandler,
  fastifySnsHandler,
  type MegaEvent,
  ProcessStatus,
  SnsHttpReceiver,
} from 'sqs-mega';
import { startTestBroker, type TestBroker, waitFor } from 'sqs-mega-broker/testing';
import { createSigningIdentity } from '../src/sns/certificate.js';
import { envelopeSigner } from '../src/sns/signing.js';

// Genuine messages signed by Amazon SNS (us-east-1, September 2021) with the certificate they name,
// as published in the test data of the AWS::SNS::Notification Raku module (github.com/jonathanstowe/AWS-SNS-Notification, t/data).
const fixtures = new URL('./fixtures/aws-sns/', import.meta.url);
const awsNotification = JSON.parse(readFileSync(new URL('notification.json', fixtures), 'utf8'));
const awsConfirmation = JSON.parse(readFileSync(new URL('subscription-confirmation.json', fixtures), 'utf8'));
const awsCertPem = readFileSync(
  new URL('SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem', fixtures),
  'utf8',
);
const AWS_TIME = Date.parse('2021-09-13T16:55:00Z');

async function serve(listener: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`, server };
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'text/plain; charset=UTF-8', ...headers },
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; reason?: string } };
}

function awsReceiver(options: ConstructorParameters<typeof SnsHttpReceiver>[0] = {}) {
  return new SnsHttpReceiver({ now: () => AWS_TIME, ...options }).trustCertificate(
    awsNotification.SigningCertURL,
    awsCertPem,
  );
}

describe('SnsHttpReceiver with genuine AWS-signed messages and their real certificate', () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });
  async function endpoint(receiver: SnsHttpReceiver) {
    const { url, server } = await serve(receiver.handler);
    servers.push(server);
    return url;
  }

  it('verifies the AWS notification (SignatureVersion 1) and dispatches its S3 event to matching subscribers', async () => {
    const seen: unknown[] = [];
    const receiver = awsReceiver().subscribe({
      kind: 'data',
      pattern: { Records: [{ eventSource: 'aws:s3' }] } as never,
      handler: (data, ctx) => {
        seen.push({ data, topic: ctx.sns?.topicArn, subject: ctx.sns?.subject });
      },
    });
    const url = await endpoint(receiver);
    const res = await postJson(url, awsNotification, { 'x-amz-sns-message-type': 'Notification' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(seen.length, 1);
    const first = seen[0] as {
      data: { Records: { s3: { object: { key: string } } }[] };
      topic: string;
      subject: string;
    };
    assert.equal(first.data.Records[0]?.s3.object.key, 'FXT-6993.csv');
    assert.equal(first.topic, awsNotification.TopicArn);
    assert.equal(first.subject, 'Amazon S3 Notification');
  });

  it('verifies the AWS subscription confirmation; with confirmSubscriptions off it is answered 200 unconfirmed', async () => {
    const events: unknown[] = [];
    const receiver = awsReceiver({ confirmSubscriptions: false });
    receiver.on('subscription', (e) => events.push(e));
    const res = await postJson(await endpoint(receiver), awsConfirmation);
    assert.equal(res.status, 200);
    assert.deepEqual(events, [{ topicArn: awsConfirmation.TopicArn, confirmed: false }]);
  });

  const tampered: [string, Record<string, unknown>, number, RegExp][] = [
    ['a changed Message', { ...awsNotification, Message: '{"Records":[]}' }, 403, /signature does not match/],
    ['a changed Subject', { ...awsNotification, Subject: 'Hello' }, 403, /signature does not match/],
    [
      'an added Subject-less copy',
      { ...awsNotification, Subject: undefined },
      403,
      /signature does not match/,
    ],
    [
      'a changed TopicArn',
      { ...awsNotification, TopicArn: 'arn:aws:sns:us-east-1:155944137683:other' },
      403,
      /signature does not match/,
    ],
    [
      'SignatureVersion 2 claimed for a SHA1 signature',
      { ...awsNotification, SignatureVersion: '2' },
      403,
      /signature does not match/,
    ],
    ['no Signature (unsigned)', { ...awsNotification, Signature: undefined }, 401, /Signature is missing/],
    [
      'an unknown SignatureVersion',
      { ...awsNotification, SignatureVersion: '3' },
      400,
      /SignatureVersion must be 1 or 2/,
    ],
    [
      'a certificate on a foreign host',
      { ...awsNotification, SigningCertURL: 'https://evil.example/cert.pem' },
      403,
      /evil\.example is not a trusted SNS host/,
    ],
    [
      'a certificate over plain http',
      { ...awsNotification, SigningCertURL: 'http://sns.us-east-1.amazonaws.com/x.pem' },
      403,
      /must be reached over https/,
    ],
    ['no MessageId', { ...awsNotification, MessageId: undefined }, 400, /MessageId is missing/],
    ['an unknown Type', { ...awsNotification, Type: 'Nope' }, 400, /Type must be/],
  ];
  for (const [what, message, status, reason] of tampered) {
    it(`rejects ${what} with ${status} and the reason`, async () => {
      let handled = 0;
      const receiver = awsReceiver().subscribe(undefined, () => {
        handled++;
      });
      const res = await postJson(await endpoint(receiver), message);
      assert.equal(res.status, status);
      assert.equal(res.body.ok, false);
      assert.match(String(res.body.reason), reason);
      assert.equal(handled, 0);
    });
  }

  it('rejects an expired message (its Timestamp older than maxAgeMs) and a topic outside the allow-list', async () => {
    const expired = await postJson(
      await endpoint(awsReceiver({ now: () => AWS_TIME + 2 * 3_600_000 })),
      awsNotification,
    );
    assert.equal(expired.status, 400);
    assert.match(String(expired.body.reason), /message expired/);
    const wrongTopic = await postJson(
      await endpoint(awsReceiver({ topics: ['arn:aws:sns:us-east-1:1:mine'] })),
      awsNotification,
    );
    assert.equal(wrongTopic.status, 403);
    assert.match(String(wrongTopic.body.reason), /jns-sns-s3-test is not one this endpoint accepts/);
  });

  it('rejects a certificate that has expired (the real one, checked today)', async () => {
    const receiver = awsReceiver({
      now: () => Date.parse('2023-01-01T00:00:00Z'),
      maxAgeMs: 10 * 365 * 86_400_000,
    });
    const res = await postJson(await endpoint(receiver), awsNotification);
    assert.equal(res.status, 403);
    assert.match(String(res.body.reason), /not valid now/);
  });

  it('answers malformed POSTs with 400 and the reason, other methods with 405, oversized bodies with 413, and keeps serving', async () => {
    const receiver = awsReceiver({ maxBodyBytes: 10_000 });
    const url = await endpoint(receiver);
    for (const [body, reason] of [
      ['{not json', /not JSON/],
      ['[1,2]', /not a JSON object/],
      ['null', /not a JSON object/],
      ['', /not JSON/],
    ] as const) {
      const res = await postJson(url, body);
      assert.equal(res.status, 400, body);
      assert.match(String(res.body.reason), reason);
    }
    const mismatch = await postJson(url, awsNotification, {
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
    });
    assert.equal(mismatch.status, 400);
    const raw = await postJson(url, 'hello', { 'x-amz-sns-rawdelivery': 'true' });
    assert.equal(raw.status, 400);
    assert.match(String(raw.body.reason), /raw message delivery/);
    assert.equal((await fetch(url)).status, 405);
    assert.equal((await postJson(url, 'x'.repeat(20_000))).status, 413);
    assert.equal((await postJson(url, awsNotification)).status, 200);
  });

  it('Express adapter: with express.text(), with express.json() and with no body parser', async () => {
    let handled = 0;
    const receiver = awsReceiver().subscribe(undefined, () => {
      handled++;
    });
    const app = express();
    app.post('/text', express.text({ type: '*/*' }), expressSnsHandler(receiver));
    app.post('/json', express.json({ type: '*/*' }), expressSnsHandler(receiver));
    app.post('/bare', expressSnsHandler(receiver));
    const { url, server } = await serve(app);
    servers.push(server);
    const base = url.replace(/\/sns$/, '');
    for (const path of ['/text', '/json', '/bare']) {
      assert.equal((await postJson(base + path, awsNotification)).status, 200, path);
      assert.equal((await postJson(base + path, { ...awsNotification, Message: 'x' })).status, 403, path);
    }
    assert.equal((await postJson(`${base}/bare`, '{bad')).status, 400);
    assert.equal(handled, 3);
  });

  it('Fastify adapter', async () => {
    let handled = 0;
    const receiver = awsReceiver().subscribe(undefined, () => {
      handled++;
    });
    const app = Fastify();
    app.post('/sns', fastifySnsHandler(receiver));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/sns`;
    try {
      assert.equal((await postJson(url, awsNotification)).status, 200);
      assert.equal((await postJson(url, { ...awsNotification, Subject: 'x' })).status, 403);
      assert.equal(handled, 1);
    } finally {
      await app.close();
    }
  });
});

describe('SnsHttpReceiver end to end: the broker delivers over HTTP to the receiver', () => {
  let broker: TestBroker;
  let sns: SNSClient;
  const servers: Server[] = [];
  before(async () => {
    broker = await startTestBroker();
    sns = new SNSClient(broker.clientConfig);
  });
  after(async () => {
    for (const s of servers) s.close();
    sns.destroy();
    await broker.stop();
  });

  async function subscribed(
    receiver: SnsHttpReceiver,
    name: string,
    topicAttributes: Record<string, string> = {},
  ) {
    const { url, server } = await serve(receiver.handler);
    servers.push(server);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    for (const [AttributeName, AttributeValue] of Object.entries(topicAttributes))
      await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName, AttributeValue }));
    const confirmed: string[] = [];
    receiver.on('subscription', (e) => e.confirmed && confirmed.push(e.topicArn));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'http',
        Endpoint: url,
        Attributes: {
          DeliveryPolicy: JSON.stringify({
            healthyRetryPolicy: { numRetries: 2, numNoDelayRetries: 2, minDelayTarget: 1, maxDelayTarget: 1 },
          }),
        },
      }),
    );
    await waitFor(() => confirmed.includes(TopicArn as string));
    return TopicArn as string;
  }

  for (const version of ['1', '2'] as const) {
    it(`confirms the subscription, verifies SignatureVersion ${version} envelopes with the broker's own certificate, and runs MEGA event subscribers by pattern`, async () => {
      const got: { name: string; subject?: string; topic?: string }[] = [];
      const receiver = new SnsHttpReceiver({ brokerUrl: broker.url });
      receiver.subscribe({
        kind: 'event',
        pattern: { event: { name: 'order.placed' } },
        handler: (event: MegaEvent, ctx) => {
          got.push({ name: event.event.name, subject: event.event.subject, topic: ctx.sns?.topicArn });
        },
      });
      const unmatched: string[] = [];
      receiver.on('notification', (e) => e.verdict === 'unmatched' && unmatched.push(e.messageId));
      const TopicArn = await subscribed(receiver, `orders-v${version}`, { SignatureVersion: version });
      const mega = (name: string) =>
        JSON.stringify({
          protocol: 'mega',
          version: 1,
          event: { name, timestamp: '2026-01-01T00:00:00Z', subject: 'o-1' },
        });
      await sns.send(new PublishCommand({ TopicArn, Message: mega('order.placed') }));
      const { MessageId } = await sns.send(
        new PublishCommand({ TopicArn, Message: mega('order.cancelled') }),
      );
      await waitFor(() => got.length === 1 && unmatched.length === 1);
      assert.deepEqual(got, [{ name: 'order.placed', subject: 'o-1', topic: TopicArn }]);
      assert.deepEqual(unmatched, [MessageId]);
    });
  }

  it('a handler asking for a retry answers 500, so the broker redelivers; done answers 200', async () => {
    let calls = 0;
    const statuses: number[] = [];
    const receiver = new SnsHttpReceiver({ brokerUrl: broker.url }).subscribe(undefined, () =>
      ++calls === 1 ? ProcessStatus.RETRY_LATER : ProcessStatus.DONE,
    );
    receiver.on('notification', (e) => statuses.push(e.status));
    const TopicArn = await subscribed(receiver, 'retrying');
    await sns.send(new PublishCommand({ TopicArn, Message: '{"a":1}' }));
    await waitFor(() => statuses.length === 2, { timeoutMs: 10_000 });
    assert.deepEqual(statuses, [500, 200]);
    assert.equal(calls, 2);
  });

  it('fetches a signing certificate once from the trusted broker URL and caches it; a failed fetch is refused with 403', async () => {
    const identity = createSigningIdentity(Date.now());
    const sign = envelopeSigner(() => identity);
    let fetches = 0;
    const fake = await serve((req, res) => {
      fetches++;
      if (req.url === '/sns/cert.pem') res.end(identity.certPem);
      else res.writeHead(404).end();
    });
    servers.push(fake.server);
    const brokerUrl = new URL(fake.url).origin;
    const host = new URL(fake.url).host;
    const receiver = new SnsHttpReceiver({ brokerUrl });
    let handled = 0;
    receiver.subscribe(undefined, () => {
      handled++;
    });
    const { url, server } = await serve(receiver.handler);
    servers.push(server);
    const note = (id: string, cert: string) => {
      const m: Record<string, unknown> = {
        Type: 'Notification',
        MessageId: id,
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:t',
        Message: '{"n":1}',
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        SigningCertURL: `https://${host}${cert}`,
      };
      m.Signature = sign(m, '1');
      return m;
    };
    assert.equal((await postJson(url, note('a', '/sns/cert.pem'))).status, 200);
    assert.equal((await postJson(url, note('b', '/sns/cert.pem'))).status, 200);
    assert.equal(fetches, 1, 'the certificate is fetched once');
    const missing = await postJson(url, note('c', '/sns/other.pem'));
    assert.equal(missing.status, 403);
    assert.match(String(missing.body.reason), /answered HTTP 404/);
    assert.equal(handled, 2);
  });

  it('does not confirm a topic outside confirmSubscriptions, and refuses a SubscribeURL on an untrusted host', async () => {
    const identity = createSigningIdentity(Date.now());
    const sign = envelopeSigner(() => identity);
    const certUrl = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';
    const receiver = new SnsHttpReceiver({
      confirmSubscriptions: ['arn:aws:sns:us-east-1:000000000000:wanted'],
    });
    receiver.trustCertificate(certUrl, identity.certPem);
    const events: unknown[] = [];
    receiver.on('subscription', (e) => events.push(e));
    receiver.on('unsubscribed', (e) => events.push(e));
    const { url, server } = await serve(receiver.handler);
    servers.push(server);
    const handshake = (Type: string, topic: string, subscribeUrl: string) => {
      const m: Record<string, unknown> = {
        Type,
        MessageId: 'm-1',
        Token: 'tok',
        TopicArn: `arn:aws:sns:us-east-1:000000000000:${topic}`,
        Message: 'You have chosen to subscribe',
        SubscribeURL: subscribeUrl,
        Timestamp: new Date().toISOString(),
        SignatureVersion: '2',
        SigningCertURL: certUrl,
      };
      m.Signature = sign(m, '2');
      return m;
    };
    const other = await postJson(
      url,
      handshake(
        'SubscriptionConfirmation',
        'other',
        'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
      ),
    );
    assert.equal(other.status, 200);
    const evil = await postJson(
      url,
      handshake('SubscriptionConfirmation', 'wanted', 'http://127.0.0.1:1/steal'),
    );
    assert.equal(evil.status, 403);
    assert.match(
      String(evil.body.reason),
      /SubscribeURL refused: host 127\.0\.0\.1:1 is not a trusted SNS host/,
    );
    const bye = await postJson(
      url,
      handshake(
        'UnsubscribeConfirmation',
        'wanted',
        'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
      ),
    );
    assert.equal(bye.status, 200);
    assert.deepEqual(events, [
      { topicArn: 'arn:aws:sns:us-east-1:000000000000:other', confirmed: false },
      { topicArn: 'arn:aws:sns:us-east-1:000000000000:wanted' },
    ]);
  });
});
