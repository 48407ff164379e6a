import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { createMegaEvent } from 'sqs-mega';
import { queueCounts, startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';

/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core. Writes
 * `artifacts/dashboard.png` (and `artifacts/dashboard-dark.png`); with `MEGA_UPDATE_SCREENSHOT=1`
 * also `docs/dashboard.png`, the README's picture.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('dashboard in a browser', () => {
  let broker: TestBroker;
  let browser: Browser;
  let page: Page;
  let sns: SNSClient;
  let traffic: Promise<void> | undefined;
  let stopTraffic = false;
  const url = (name: string) => broker.queues[name]?.url as string;

  before(async () => {
    execFileSync(process.execPath, ['packages/broker/scripts/build-dashboard.mjs'], { cwd: ROOT });
    broker = await startTestBroker({
      queues: [
        { name: 'orders', deadLetter: { maxReceiveCount: 1 } },
        { name: 'payments.fifo', attributes: { ContentBasedDeduplication: 'true' } },
        'emails',
      ],
    });
    sns = new SNSClient(broker.clientConfig);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'shop-events' }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: broker.queues.emails?.arn,
        Attributes: { FilterPolicy: '{"type":["order.placed"]}' },
      }),
    );
    // an endpoint nobody listens on: the confirmation stays pending, its attempts fail
    await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: 'http://127.0.0.1:9/webhooks/shop' }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn,
        Subject: 'New order',
        Message: JSON.stringify(
          createMegaEvent({ name: 'order.placed', subject: 'order-7', attributes: { total: 42 } }),
        ),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'order.placed' } },
      }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  });

  after(async () => {
    stopTraffic = true;
    await traffic;
    await browser?.close();
    sns?.destroy();
    await broker?.stop();
  });

  const row = (name: string): Locator => page.locator(`tr[data-queue="${name}"]`);
  const countOf = (name: string, which: 'visible' | 'inFlight' | 'delayed') =>
    row(name).locator(`td[data-count="${which}"]`);

  it('loads, and shows a queue’s counts change after a send', async () => {
    await page.goto(broker.url);
    await page.getByRole('heading', { name: 'Queues' }).waitFor();
    await assertText(countOf('orders', 'visible'), '0');
    assert.match((await row('orders').textContent()) ?? '', /→ orders-dlq/);
    assert.match((await row('orders-dlq').textContent()) ?? '', /DLQ.*← orders/);
    assert.match((await row('payments.fifo').textContent()) ?? '', /FIFO/);
    await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: url('orders'), MessageBody: 'first' }));
    await assertText(countOf('orders', 'visible'), '1');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });

  it('sends from the page, and peeks without receiving (MEGA events pretty-printed)', async () => {
    await page.getByRole('button', { name: 'Browse orders', exact: true }).click();
    await page
      .getByLabel('Body')
      .fill(
        JSON.stringify(
          createMegaEvent({ name: 'order.shipped', subject: 'order-7', attributes: { carrier: 'dhl' } }),
        ),
      );
    await page.getByLabel('Delay (seconds)').press('Tab'); // keyboard reaches the fields
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText(/^Sent [0-9a-f-]{36} to orders$/).waitFor();
    await assertText(countOf('orders', 'visible'), '2');
    const messages = page.locator('li.message');
    await messages.nth(1).locator('.kind strong', { hasText: 'order.shipped' }).waitFor();
    assert.match((await messages.nth(1).locator('pre.body').first().textContent()) ?? '', /"carrier": "dhl"/);
    assert.equal(await messages.count(), 2);
    // peeking changed nothing: both are still visible, never received
    assert.deepEqual(await queueCounts(broker.sqsClient, url('orders')), {
      visible: 2,
      inFlight: 0,
      delayed: 0,
    });
    const received = await broker.sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: url('orders'),
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    assert.deepEqual(
      received.Messages?.map((m) => m.Attributes?.ApproximateReceiveCount),
      ['1', '1'],
    );
    await assertText(countOf('orders', 'inFlight'), '2');
  });

  it('shows an SNS envelope unwrapped, and the topics with filter policies and HTTP delivery status', async () => {
    await page.getByRole('button', { name: 'Browse emails' }).click();
    const message = page.locator('li.message').first();
    await message.locator('.kind strong', { hasText: 'order.placed' }).waitFor();
    assert.match((await message.textContent()) ?? '', /via SNS topic shop-events · subject “New order”/);
    const topic = page.locator('article.topic', { hasText: 'shop-events' });
    assert.match((await topic.textContent()) ?? '', /\{"type":\["order\.placed"\]\}/);
    await topic.getByText('pending confirmation').waitFor();
    await topic.getByText(/1 pending, 1 attempt failed/).waitFor({ timeout: 5000 });
  });

  it('purges a queue, after a confirmation', async () => {
    await row('orders').getByRole('button', { name: 'Purge orders' }).click();
    await row('orders').getByRole('button', { name: 'Purge 2?' }).click();
    await assertText(countOf('orders', 'inFlight'), '0');
    await assertText(countOf('orders', 'visible'), '0');
  });

  it('redrives a dead-letter queue and shows it empty', async () => {
    for (let i = 1; i <= 6; i++) {
      await broker.sqsClient.send(
        new SendMessageCommand({
          QueueUrl: url('orders'),
          MessageBody: JSON.stringify(createMegaEvent({ name: 'order.failed', subject: `order-${i}` })),
        }),
      );
    }
    // received once with no visibility timeout, then again: over maxReceiveCount, so dead-lettered
    for (let pass = 0; pass < 2; pass++) {
      await broker.sqsClient.send(
        new ReceiveMessageCommand({ QueueUrl: url('orders'), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
    }
    await assertText(countOf('orders-dlq', 'visible'), '6');
    const redrive = row('orders-dlq').getByRole('button', { name: 'Redrive orders-dlq' });
    assert.equal(await redrive.isEnabled(), true);
    traffic = runTraffic(broker, url('payments.fifo'), () => stopTraffic);
    await redrive.click();
    await assertText(countOf('orders-dlq', 'visible'), '0');
    await assertText(countOf('orders', 'visible'), '6');
    await row('orders-dlq').getByText('redrove 6').waitFor();
  });

  it('writes a screenshot (light and dark)', async () => {
    await sns.send(
      new PublishCommand({
        TopicArn: (await sns.send(new CreateTopicCommand({ Name: 'shop-events' }))).TopicArn,
        Message: JSON.stringify(
          createMegaEvent({
            name: 'order.placed',
            domain: 'shop',
            subject: 'order-8',
            publisher: 'checkout',
            attributes: { total: 129.9, currency: 'EUR', items: 3 },
          }),
        ),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'order.placed' } },
      }),
    );
    await broker.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: url('emails'),
        MessageBody: 'Send the receipt of order-8 to ada@example.com',
      }),
    );
    await page.getByRole('button', { name: 'Browse emails', exact: true }).click();
    await page.locator('li.message').nth(2).waitFor();
    await page.waitForTimeout(5000); // a few seconds of traffic in the chart
    await page.locator('.toast').waitFor({ state: 'detached', timeout: 10_000 });
    mkdirSync(`${ROOT}artifacts`, { recursive: true });
    const shot = `${ROOT}artifacts/dashboard.png`;
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.MEGA_UPDATE_SCREENSHOT === '1') copyFileSync(shot, `${ROOT}docs/dashboard.png`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${ROOT}artifacts/dashboard-dark.png`, fullPage: true });
  });
});

async function assertText(locator: Locator, text: string, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await locator.textContent({ timeout });
    if (last?.trim() === text) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`expected "${text}", saw "${last}"`);
}

/** A producer and a consumer on one queue, at a rate that varies, for the throughput chart. */
async function runTraffic(broker: TestBroker, queueUrl: string, stop: () => boolean): Promise<void> {
  let n = 0;
  while (!stop()) {
    const burst = 5 + Math.round(10 * Math.abs(Math.sin(n / 6)));
    n++;
    await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        broker.sqsClient.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: `payment ${n}-${i}`,
            MessageGroupId: `g${i % 3}`,
          }),
        ),
      ),
    );
    const got = await broker.sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    for (const m of got.Messages ?? []) {
      await broker.sqsClient.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
