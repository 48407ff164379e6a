import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  ListMessageMoveTasksCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { DEAD_LETTER_SOURCE_ATTRIBUTE, Listener, ProcessStatus, SqsPublisher } from 'sqs-mega';
import {
  queueCounts,
  receiveAll,
  startTestBroker,
  type TestBroker,
  waitFor,
  waitForEvents,
} from 'sqs-mega-broker/testing';
import { csrfToken } from '../src/dashboard/access.js';
import type { DashboardState } from '../src/dashboard/api.js';
import { LISTENER_SOURCE_ATTRIBUTE } from '../src/sqs/listener-dead-letters.js';

/** Dead letters an sqs-mega listener copies into its dead-letter queue itself, and redriving them. */
describe('dead-letter queues a listener fills itself', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ queues: ['jobs', 'jobs-dlq', 'tasks', 'tasks-dlq'] });
  });
  after(() => broker.stop());

  /** Runs a listener on `queue` whose every message fails for good, until `count` are dead-lettered. */
  async function deadLetter(queue: string, dlq: string, count: number) {
    const queueUrl = broker.queues[queue]?.url as string;
    const listener = new Listener({
      client: broker.sqsClient,
      queueUrl,
      deadLetterQueueUrl: broker.queues[dlq]?.url,
      waitTimeSeconds: 1,
    });
    listener.subscribe({ event: { name: 'job.run' } }, () => ProcessStatus.FATAL_ERROR).start();
    const done = waitForEvents(listener, 'dead-lettered', count);
    const publisher = new SqsPublisher({ client: broker.sqsClient, queueUrl });
    for (let i = 0; i < count; i++) await publisher.publishEvent({ name: 'job.run', subject: `${i}` });
    await done;
    await listener.stop();
  }

  it('the broker reads the attribute sqs-mega writes', () => {
    assert.equal(LISTENER_SOURCE_ATTRIBUTE, DEAD_LETTER_SOURCE_ATTRIBUTE);
  });

  it('a move task out of a configured dead-letter queue sends the listener copies back to their source', async () => {
    const jobs = broker.queues.jobs;
    const dlq = broker.queues['jobs-dlq'];
    assert.ok(jobs && dlq);
    // a real RedrivePolicy, and a listener that dead-letters before it (as the demo does)
    await broker.sqsClient.send(
      new SetQueueAttributesCommand({
        QueueUrl: jobs.url,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 10 }) },
      }),
    );
    await deadLetter('jobs', 'jobs-dlq', 3);
    assert.equal((await queueCounts(broker.sqsClient, dlq.url)).visible, 3);
    await broker.sqsClient.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    const task = await waitFor(async () => {
      const { Results = [] } = await broker.sqsClient.send(
        new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }),
      );
      return Results[0]?.Status === 'RUNNING' ? undefined : Results[0];
    });
    assert.equal(task.Status, 'COMPLETED', task.FailureReason);
    assert.equal(task.ApproximateNumberOfMessagesMoved, 3);
    assert.equal((await queueCounts(broker.sqsClient, jobs.url)).visible, 3);
  });

  it("SQS's own StartMessageMoveTask still refuses a queue no RedrivePolicy names; the dashboard offers Redrive and does it", async () => {
    const tasks = broker.queues.tasks;
    const dlq = broker.queues['tasks-dlq'];
    assert.ok(tasks && dlq);
    await deadLetter('tasks', 'tasks-dlq', 2);
    await assert.rejects(
      broker.sqsClient.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn })),
      /Source queue must be configured as a Dead Letter Queue\./,
    );
    const state = async () => (await (await fetch(`${broker.url}/_mega/api/state`)).json()) as DashboardState;
    const view = (await state()).queues.find((q) => q.name === 'tasks-dlq');
    assert.deepEqual(view?.listenerSources, ['tasks']);
    assert.deepEqual(view?.deadLetterSources, ['tasks']);
    assert.deepEqual((await state()).queues.find((q) => q.name === 'tasks')?.listenerSources, []);

    const res = await fetch(`${broker.url}/_mega/api/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mega-csrf': csrfToken() },
      body: JSON.stringify({ queue: 'tasks-dlq' }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(((await res.json()) as { TaskHandle: string }).TaskHandle, /^[A-Za-z0-9+/=]+$/);
    await waitFor(async () => (await queueCounts(broker.sqsClient, tasks.url)).visible === 2);
    assert.equal((await queueCounts(broker.sqsClient, dlq.url)).visible, 0);
    const after = (await state()).queues.find((q) => q.name === 'tasks-dlq');
    assert.equal(after?.moveTask?.status, 'COMPLETED');
    assert.equal(after?.moveTask?.moved, 2);
  });

  it('a listener copy names its source queue by URL in the attribute', async () => {
    const dlq = broker.queues['jobs-dlq'];
    assert.ok(dlq);
    await deadLetter('jobs', 'jobs-dlq', 1);
    const [copy] = await receiveAll(broker.sqsClient, dlq.url);
    assert.equal(
      copy?.MessageAttributes?.[DEAD_LETTER_SOURCE_ATTRIBUTE]?.StringValue,
      broker.queues.jobs?.url,
    );
    await broker.sqsClient.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: dlq.url,
        ReceiptHandle: copy?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  });
});

describe('dashboard icon', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.stop());

  it("/favicon.ico and the page's icon are an SVG image, not a 400 XML error", async () => {
    for (const path of ['/favicon.ico', '/_mega/icon.svg']) {
      const res = await fetch(`${broker.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml');
      assert.match(await res.text(), /^<svg /);
    }
    const post = await fetch(`${broker.url}/favicon.ico`, { method: 'POST' });
    assert.notEqual(post.status, 200);
  });
});
