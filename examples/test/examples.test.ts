import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GetQueueAttributesCommand,
  type QueueAttributeName,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { startTestBroker } from 'sqs-mega-broker/testing';
import { eventBus } from '../event-bus.js';
import { clientsFor, type Example, type Running } from '../lib/example.js';
import { recorder } from '../lib/terminal.js';
import { noisyTenant } from '../noisy-tenant.js';
import { DEAD_LETTER_RETENTION_SECONDS, retriesAndDeadLetters } from '../retries-and-dead-letters.js';
import { shoppingCart } from '../shopping-cart.js';
import { slowTask } from '../slow-task.js';

/** Runs an example against a fresh broker until `done(stats)` holds (or fails after `timeoutMs`). */
async function runUntil(example: Example, done: (s: Running['stats']) => boolean, timeoutMs = 20_000) {
  const broker = await startTestBroker();
  const { sqs, sns } = clientsFor(broker.url);
  const print = recorder();
  const running = await example({ sqs, sns, print, intervalMs: 150 });
  const end = Date.now() + timeoutMs;
  try {
    while (!done(running.stats)) {
      if (Date.now() > end)
        assert.fail(
          `not reached in time: ${JSON.stringify(running.stats)}\n${print.lines.map((l) => l.text).join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await running.stop();
    sqs.destroy();
    sns.destroy();
    await broker.stop();
  }
  return { stats: { ...running.stats }, lines: print.lines };
}

/** Polls `check` every 50 ms (a timer that keeps the process alive) until it holds. */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`not reached in time: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('examples', () => {
  it('event bus: filter policies route new users to email, paid plans to billing; flaky billing is retried', async () => {
    const { stats, lines } = await runUntil(
      eventBus,
      (s) => (s.billingRetries ?? 0) >= 1 && (s.billed ?? 0) >= 3 && (s.emails ?? 0) >= 2,
    );
    const billed = lines.filter((l) => l.source === 'billing' && l.kind === 'done').map((l) => l.text);
    assert.ok(
      billed.every((t) => t.includes('plan pro')),
      `only paid plans are billed: ${billed.join('; ')}`,
    );
    const emails = lines.filter((l) => l.source === 'email').length;
    assert.equal(emails, stats.emails, 'email only got user.created');
  });

  it('shopping cart: every cart processed strictly in order on the FIFO queue; DSL picks bulk adds', async () => {
    const { stats } = await runUntil(shoppingCart, (s) => (s.processed ?? 0) >= 12 && (s.bulk ?? 0) >= 1);
    assert.equal(stats.orderViolations, 0);
  });

  it('retries and dead letters: a flaky order succeeds on retry, a broken one and a poison message are dead-lettered', async () => {
    const { lines } = await runUntil(
      retriesAndDeadLetters,
      (s) => (s.deadLettered ?? 0) >= 2 && (s.recovered ?? 0) >= 1,
    );
    assert.ok(lines.some((l) => l.kind === 'done' && /reserved on attempt 2/.test(l.text)));
    assert.ok(lines.some((l) => l.kind === 'dead' && /FatalError/.test(l.text)));
    assert.ok(
      lines.some(
        (l) => l.kind === 'dead' && /invalid|poison|mega/i.test(l.text) && !/FatalError/.test(l.text),
      ),
    );
  });

  it('retries and dead letters: orders-dlq is a real, bounded dead-letter queue, and a redrive lets the broken orders through', async () => {
    const broker = await startTestBroker();
    const { sqs, sns } = clientsFor(broker.url);
    const print = recorder();
    const running = await retriesAndDeadLetters({ sqs, sns, print, intervalMs: 150 });
    try {
      const url = (name: string) => `${broker.url}/000000000000/${name}`;
      const read = async (name: string, names: QueueAttributeName[]) =>
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url(name), AttributeNames: names })))
          .Attributes ?? {};
      const orders = await read('orders', ['RedrivePolicy']);
      const dlq = await read('orders-dlq', ['QueueArn', 'MessageRetentionPeriod']);
      assert.deepEqual(JSON.parse(orders.RedrivePolicy ?? '{}'), {
        deadLetterTargetArn: dlq.QueueArn,
        maxReceiveCount: 5,
      });
      assert.equal(dlq.MessageRetentionPeriod, String(DEAD_LETTER_RETENTION_SECONDS));
      // a broken order (the 4th) is dead-lettered; the operator redrives the dead-letter queue
      await until(
        () => print.lines.some((l) => l.kind === 'dead' && /product that does not exist/.test(l.text)),
        'a broken order dead-lettered',
      );
      const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.QueueArn }));
      assert.ok(TaskHandle);
      await until(() => (running.stats.redriven ?? 0) >= 1, 'a redriven order reserved');
      assert.ok(
        print.lines.some((l) => l.kind === 'done' && /reserved after a redrive from orders-dlq/.test(l.text)),
      );
    } finally {
      await running.stop();
      sqs.destroy();
      sns.destroy();
      await broker.stop();
    }
  });

  it('slow task: a handler running 3× the visibility timeout finishes once, received once', async () => {
    const { stats } = await runUntil(slowTask, (s) => (s.finished ?? 0) >= 1, 25_000);
    assert.equal(stats.receivedOnce, stats.finished);
  });

  it('noisy tenant: acme (10× the others) is rerouted at its rate while globex and initech flow; nothing dead-lettered', async () => {
    const { stats } = await runUntil(
      noisyTenant,
      (s) => (s.quietDone ?? 0) >= 20 && (s.deferred ?? 0) >= 20 && (s.noisyDone ?? 0) >= 5,
      30_000,
    );
    assert.equal(stats.deadLettered, 0);
    // acme is held near its rate: at most its burst plus 2 per interval of 150 ms, far under the 10 it sends
    assert.ok((stats.noisyDone ?? 0) < (stats.quietDone ?? 0) * 3, JSON.stringify(stats));
    assert.ok((stats.quietMaxMs ?? 0) < 5_000, `quiet tenants waited up to ${stats.quietMaxMs} ms`);
  });
});
