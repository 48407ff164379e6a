import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createQueue, startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';

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

const scrape = async () => {
  const res = await fetch(`${broker.clientConfig.endpoint}/metrics`);
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
