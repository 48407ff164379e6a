import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { CronConfigError, PushWorker, parseCronYaml } from 'sqs-mega';
import { queueCounts, receiveAll, startTestBroker, type TestBroker, waitFor } from 'sqs-mega-broker/testing';
import { type Received, testApp } from './app.js';

describe('PushWorker (sqsd-compatible HTTP push worker) against the broker and a real HTTP app', () => {
  let broker: TestBroker;
  const workers: PushWorker[] = [];
  const apps: Awaited<ReturnType<typeof testApp>>[] = [];
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(apps.map((a) => a.close()));
    await broker.stop();
  });
  let n = 0;
  async function setup(respond?: Parameters<typeof testApp>[0], maxReceiveCount = 2) {
    const app = await testApp(respond);
    apps.push(app);
    const name = `jobs-${++n}`;
    const { createQueue } = await import('sqs-mega-broker/testing');
    const queue = await createQueue(broker.sqsClient, { name, deadLetter: { maxReceiveCount } });
    return { app, queue };
  }
  function worker(options: Omit<ConstructorParameters<typeof PushWorker>[0], 'client'>) {
    const w = new PushWorker({ client: broker.sqsClient, waitTimeSeconds: 1, ...options }).start();
    workers.push(w);
    return w;
  }

  it('POSTs the body with sqsd headers (Content-Type from the message, X-Aws-Sqsd-*, one Attr header per attribute) and a 2xx deletes it', async () => {
    const { app, queue } = await setup();
    const { MessageId } = await broker.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '<job id="7"/>',
        MessageAttributes: {
          'Content-Type': { DataType: 'String', StringValue: 'application/xml' },
          priority: { DataType: 'Number', StringValue: '5' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );
    await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"a":1}' }));
    const w = worker({ queueUrl: queue.url, url: `${app.origin}/jobs` });
    await waitFor(() => w.stats.delivered === 2);
    const xml = app.received.find((r) => r.body === '<job id="7"/>');
    assert.ok(xml);
    assert.equal(xml.method, 'POST');
    assert.equal(xml.path, '/jobs');
    assert.equal(xml.headers['content-type'], 'application/xml');
    assert.equal(xml.headers['x-aws-sqsd-msgid'], MessageId);
    assert.equal(xml.headers['x-aws-sqsd-queue'], queue.name);
    assert.equal(xml.headers['x-aws-sqsd-receive-count'], '1');
    assert.match(
      String(xml.headers['x-aws-sqsd-first-received-at']),
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    assert.ok(xml.headers['x-aws-sqsd-sender-id']);
    assert.equal(xml.headers['x-aws-sqsd-attr-priority'], '5');
    assert.equal(xml.headers['x-aws-sqsd-attr-blob'], Buffer.from([1, 2, 3]).toString('base64'));
    assert.match(String(xml.headers['user-agent']), /^aws-sqsd/);
    const json = app.received.find((r) => r.body === '{"a":1}');
    assert.equal(json?.headers['content-type'], 'application/json');
    await waitFor(async () => {
      const c = await queueCounts(broker.sqsClient, queue.url);
      return c.visible + c.inFlight === 0;
    });
  });

  type Respond = (req: Received, res: ServerResponse) => void;
  const endpoints: [string, Respond][] = [
    ['answers 500 forever', (_q, res) => res.writeHead(500).end('boom')],
    ['resets every connection', (_q, res) => res.socket?.destroy()],
    ['hangs (no answer within the inactivity timeout)', () => {}],
  ];
  for (const [what, respond] of endpoints) {
    it(`an endpoint that ${what}: bounded retries, then the queue's RedrivePolicy dead-letters it; the worker keeps going`, async () => {
      const { app, queue } = await setup(respond, 2);
      await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'doomed' }));
      const w = worker({
        queueUrl: queue.url,
        url: `${app.origin}/jobs`,
        errorVisibilityTimeout: 0,
        inactivityTimeout: 1,
      });
      const dlq = queue.deadLetter?.url as string;
      await waitFor(async () => (await queueCounts(broker.sqsClient, dlq)).visible === 1, {
        timeoutMs: 15_000,
      });
      assert.equal(
        app.received.filter((r) => r.body === 'doomed').length,
        2,
        'one POST per receive, maxReceiveCount 2',
      );
      assert.ok(w.stats.failed >= 2);
      assert.equal(w.stats.delivered, 0);
      const [dead] = await receiveAll(broker.sqsClient, dlq);
      assert.equal(dead?.Body, 'doomed');
      // the worker did not stop, nor leak a request: a healthy answer now goes through
      app.respond = (_q, res) => res.end('ok');
      await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'fine' }));
      await waitFor(() => w.stats.delivered === 1, { timeoutMs: 10_000 });
      await waitFor(() => w.activeRequests === 0);
    });
  }

  it('with deadLetterQueueUrl, moves a message there after maxRetries receives, with the reason', async () => {
    const { app, queue } = await setup((_q, res) => res.writeHead(503).end(), 100);
    const { createQueue } = await import('sqs-mega-broker/testing');
    const own = await createQueue(broker.sqsClient, `own-dlq-${n}`);
    await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' }));
    const w = worker({
      queueUrl: queue.url,
      url: `${app.origin}/jobs`,
      errorVisibilityTimeout: 0,
      maxRetries: 3,
      deadLetterQueueUrl: own.url,
    });
    await waitFor(() => w.stats['dead-lettered'] === 1, { timeoutMs: 10_000 });
    assert.equal(app.received.length, 3);
    const [dead] = await receiveAll(broker.sqsClient, own.url);
    assert.match(
      String(dead?.MessageAttributes?.['mega-dead-letter-reason']?.StringValue),
      /failed 3 times; last: HTTP 503/,
    );
  });

  it('deletes, without a POST, messages older than the retention period', async () => {
    const { app, queue } = await setup();
    await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'stale' }));
    await new Promise((r) => setTimeout(r, 1100));
    const w = worker({ queueUrl: queue.url, url: `${app.origin}/jobs`, retentionPeriod: 1 });
    await waitFor(() => w.stats.expired === 1);
    assert.equal(app.received.length, 0);
    await waitFor(async () => (await queueCounts(broker.sqsClient, queue.url)).inFlight === 0);
    assert.equal((await queueCounts(broker.sqsClient, queue.url)).visible, 0);
  });

  it('runs periodic tasks from a cron.yaml: enqueued on schedule, POSTed to their path with X-Aws-Sqsd-Taskname and -Scheduled-At', async () => {
    const { app, queue } = await setup();
    const cron = parseCronYaml(
      [
        'version: 1',
        'cron:',
        '  - name: "tick"',
        '    url: "/tasks/tick"',
        '    schedule: "* * * * * *"',
      ].join('\n'),
    );
    const w = worker({ queueUrl: queue.url, url: `${app.origin}/jobs`, cron });
    await waitFor(() => app.received.some((r) => r.path === '/tasks/tick'), { timeoutMs: 8000 });
    const task = app.received.find((r) => r.path === '/tasks/tick');
    assert.equal(task?.headers['x-aws-sqsd-taskname'], 'tick');
    assert.match(String(task?.headers['x-aws-sqsd-scheduled-at']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    assert.equal(task?.headers['x-aws-sqsd-path'], '/tasks/tick');
    assert.equal(task?.headers['x-aws-sqsd-attr-beanstalk.sqsd.task_name'], undefined);
    assert.ok(w.stats.scheduled >= 1);
    await w.stop();
    const after = w.stats.scheduled;
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(w.stats.scheduled, after, 'nothing is scheduled after stop');
  });

  it('graceful stop: the POST under way finishes and its message is deleted; nothing new starts', async () => {
    const { app, queue } = await setup((_q, res) => setTimeout(() => res.end('ok'), 800));
    await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'slow' }));
    const w = worker({ queueUrl: queue.url, url: `${app.origin}/jobs` });
    await waitFor(() => app.received.length === 1);
    await w.stop();
    assert.equal(w.stats.delivered, 1);
    assert.equal(w.activeRequests, 0);
    await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'later' }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(app.received.length, 1);
    const counts = await queueCounts(broker.sqsClient, queue.url);
    assert.deepEqual([counts.visible, counts.inFlight], [1, 0]);
  });
});

describe('parseCronYaml', () => {
  it('reads sqsd cron.yaml tasks', () => {
    assert.deepEqual(
      parseCronYaml('version: 1\ncron:\n  - name: backup\n    url: /backup\n    schedule: "0 */12 * * *"\n'),
      [{ name: 'backup', url: '/backup', schedule: '0 */12 * * *' }],
    );
  });
  for (const [text, field] of [
    ['version: 2\ncron: []', 'version'],
    ['version: 1\ncron:\n  - url: /a\n    schedule: "* * * * *"', 'cron[0].name'],
    ['version: 1\ncron:\n  - name: a\n    url: a\n    schedule: "* * * * *"', 'cron[0].url'],
    ['version: 1\ncron:\n  - name: a\n    url: /a\n    schedule: "61 * * * *"', 'cron[0].schedule'],
    [
      'version: 1\ncron:\n  - {name: a, url: /a, schedule: "* * * * *"}\n  - {name: a, url: /b, schedule: "* * * * *"}',
      'cron[1].name',
    ],
    ['version: 1\ncron: [', 'cron.yaml'],
  ] as const) {
    it(`refuses a bad ${field} with a CronConfigError naming it`, () => {
      assert.throws(
        () => parseCronYaml(text),
        (e: unknown) => e instanceof CronConfigError && e.field === field,
      );
    });
  }
});
