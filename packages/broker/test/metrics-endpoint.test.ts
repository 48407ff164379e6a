import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createQueue, startTestBroker, type TestBroker, waitFor } from 'sqs-mega-broker/testing';

let broker: TestBroker;
let client: SQSClient;
before(async () => {
  broker = await startTestBroker();
  client = new SQSClient(broker.clientConfig);
});
after(async () => {
  client.destroy();
  await broker.stop();
});

const scrape = async (on: TestBroker = broker) => {
  const res = await fetch(`${on.clientConfig.endpoint}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
};

test('GET /metrics: requests by action and outcome, latency, queue depths by state, oldest message age', async () => {
  const queue = await createQueue(client, 'metered');
  for (const body of ['a', 'b', 'c'])
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
  await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'later', DelaySeconds: 60 }));
  await client.send(
    new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }),
  );
  await assert.rejects(
    client.send(new SendMessageCommand({ QueueUrl: `${queue.url}-missing`, MessageBody: 'x' })),
  );
  await new Promise((r) => setTimeout(r, 20));
  const text = await scrape();
  assert.match(text, /mega_broker_requests_total\{action="SendMessage",outcome="ok"\} 4/);
  assert.match(text, /mega_broker_requests_total\{action="SendMessage",outcome="client_error"\} 1/);
  assert.match(text, /mega_broker_requests_total\{action="ReceiveMessage",outcome="ok"\} 1/);
  assert.match(text, /mega_broker_request_duration_seconds_count\{action="SendMessage"\} 5/);
  assert.match(text, /mega_broker_queue_messages\{queue="metered",region="us-east-1",state="visible"\} 2/);
  assert.match(text, /mega_broker_queue_messages\{queue="metered",region="us-east-1",state="in_flight"\} 1/);
  assert.match(text, /mega_broker_queue_messages\{queue="metered",region="us-east-1",state="delayed"\} 1/);
  assert.match(text, /mega_broker_queue_oldest_message_age_seconds\{queue="metered",region="us-east-1"\} \d/);
  assert.match(text, /mega_broker_messages_stored_total \d+/);
  assert.doesNotMatch(text, /action="unknown"/, 'scrapes are not counted as API requests');
});

test('the dashboard page links to /metrics', async () => {
  const { readFile } = await import('node:fs/promises');
  const page = await readFile(new URL('../dashboard/main.tsx', import.meta.url), 'utf8');
  assert.match(page, /href="\/metrics"/);
});

/** The value of one sample line of the exposition text (`undefined` when the line is absent). */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

/**
 * A real local HTTP endpoint: confirms its SNS subscription (GETs the SubscribeURL), then answers every
 * notification with `status`; counts the notifications it received.
 */
async function endpoint(status: number) {
  const hook = { url: '', notifications: 0, confirmed: false, close: () => {} };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', async () => {
      if (req.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation') {
        res.writeHead(200).end();
        const confirmed = await fetch(JSON.parse(body).SubscribeURL);
        hook.confirmed = confirmed.status === 200;
        return;
      }
      hook.notifications++;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  hook.close = () => server.close();
  return hook;
}

test('GET /metrics: SNS deliveries by protocol and outcome, and failed attempts', async () => {
  const sns = new SNSClient(broker.clientConfig);
  const ok = await endpoint(200);
  const failing = await endpoint(500);
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'metered' }));
    const target = await createQueue(client, 'sns-target');
    const filtered = await createQueue(client, 'sns-filtered');
    const gone = await createQueue(client, 'sns-gone');
    const dlq = await createQueue(client, 'sns-http-dlq');
    const subscribe = (Protocol: string, Endpoint: string, Attributes?: Record<string, string>) =>
      sns.send(
        new SubscribeCommand({ TopicArn, Protocol, Endpoint, Attributes, ReturnSubscriptionArn: true }),
      );
    await subscribe('sqs', target.arn);
    await subscribe('sqs', filtered.arn, { FilterPolicy: JSON.stringify({ kind: ['never-sent'] }) });
    await subscribe('sqs', gone.arn);
    await client.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
    await subscribe('http', ok.url);
    await subscribe('http', failing.url, {
      // two immediate retries, then the dead-letter queue
      DeliveryPolicy: JSON.stringify({
        healthyRetryPolicy: { numRetries: 2, numNoDelayRetries: 2, minDelayTarget: 1, maxDelayTarget: 1 },
      }),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }),
    });
    await waitFor(() => ok.confirmed && failing.confirmed, { message: 'both HTTP subscriptions confirmed' });
    for (const Message of ['one', 'two']) await sns.send(new PublishCommand({ TopicArn, Message }));
    const text = await waitFor(
      async () => {
        const text = await scrape();
        return sample(text, 'mega_broker_sns_deliveries_total{protocol="http",outcome="dead_lettered"}') ===
          2 && sample(text, 'mega_broker_sns_deliveries_total{protocol="http",outcome="delivered"}') === 2
          ? text
          : undefined;
      },
      { timeoutMs: 10_000, message: 'both HTTP subscriptions settled' },
    );
    const deliveries = (protocol: string, outcome: string) =>
      sample(text, `mega_broker_sns_deliveries_total{protocol="${protocol}",outcome="${outcome}"}`);
    assert.equal(deliveries('sqs', 'delivered'), 2);
    assert.equal(deliveries('sqs', 'filtered_out'), 2);
    assert.equal(deliveries('sqs', 'dropped'), 2, 'the deleted queue, without a RedrivePolicy');
    assert.equal(deliveries('sqs', 'dead_lettered'), undefined);
    assert.equal(deliveries('http', 'delivered'), 2);
    assert.equal(deliveries('http', 'dead_lettered'), 2);
    assert.equal(deliveries('http', 'dropped'), undefined);
    assert.equal(sample(text, 'mega_broker_sns_delivery_failures_total{protocol="sqs"}'), 2);
    assert.equal(
      sample(text, 'mega_broker_sns_delivery_failures_total{protocol="http"}'),
      6,
      '3 attempts × 2',
    );
    assert.equal(failing.notifications, 6);
    assert.equal(ok.notifications, 2);
    assert.equal(
      sample(text, 'mega_broker_queue_messages{queue="sns-http-dlq",region="us-east-1",state="visible"}'),
      2,
    );
  } finally {
    sns.destroy();
    ok.close();
    failing.close();
  }
});

test('GET /metrics: store commit time, from the durable engine only', async () => {
  if (broker.sqs.store.engine === 'memory')
    assert.equal(
      sample(await scrape(), 'mega_broker_store_commit_seconds_count'),
      0,
      'the heap engine never reports',
    );
  const dataDir = await mkdtemp(join(tmpdir(), 'mega-metrics-'));
  const durable = await startTestBroker({ dataDir });
  try {
    const before = await scrape(durable);
    const countBefore = sample(before, 'mega_broker_store_commit_seconds_count') ?? Number.NaN;
    const sumBefore = sample(before, 'mega_broker_store_commit_seconds_sum') ?? Number.NaN;
    const queue = await createQueue(durable.sqsClient, 'committed');
    for (let i = 0; i < 5; i++)
      await durable.sqsClient.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: `m${i}-${j}` })),
        }),
      );
    const after = await scrape(durable);
    const count = sample(after, 'mega_broker_store_commit_seconds_count') ?? Number.NaN;
    const sum = sample(after, 'mega_broker_store_commit_seconds_sum') ?? Number.NaN;
    assert.ok(
      count >= countBefore + 6,
      `count ${countBefore} → ${count}: one commit per sequential write at least`,
    );
    assert.ok(sum > sumBefore, `sum ${sumBefore} → ${sum}`);
    assert.match(after, /mega_broker_store_commit_seconds_bucket\{le="\+Inf"\} \d+/);
  } finally {
    await durable.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
