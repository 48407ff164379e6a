import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestBroker } from 'sqs-mega-broker/testing';
import { eventBus } from '../event-bus.js';
import { clientsFor, type Example, type Running } from '../lib/example.js';
import { recorder } from '../lib/terminal.js';
import { retriesAndDeadLetters } from '../retries-and-dead-letters.js';
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

  it('slow task: a handler running 3× the visibility timeout finishes once, received once', async () => {
    const { stats } = await runUntil(slowTask, (s) => (s.finished ?? 0) >= 1, 25_000);
    assert.equal(stats.receivedOnce, stats.finished);
  });
});
