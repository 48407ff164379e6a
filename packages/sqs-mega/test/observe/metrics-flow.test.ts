import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Registry } from 'prom-client';
import { Listener, RetriableError, TestClock } from 'sqs-mega';
import { circuitBreaker, rateLimit } from 'sqs-mega/flow';
import { circuitMetrics, listenerMetrics } from 'sqs-mega/metrics';
import { createQueue, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile } from '../runtime/helpers.js';
import { runId } from './stores.js';

const fixture = brokerForFile();

async function rows(registry: Registry, name: string) {
  return ((await registry.getSingleMetric(name)?.get())?.values ?? []).map((v) => ({
    labels: v.labels as Record<string, string>,
    value: v.value,
  }));
}

describe('metrics of flow control', () => {
  test('a deferral (rateLimit) is labelled deferred and counted by mode, never dead-lettered', async () => {
    const registry = new Registry();
    const client = fixture.client();
    const name = `metrics-defer-${runId()}`;
    const queue = await createQueue(client, { name, deadLetter: { maxReceiveCount: 5 } });
    const delayed = await createQueue(client, `${name}-delayed`);
    const listener = new Listener({
      client,
      queueUrl: queue.url,
      waitTimeSeconds: 1,
      deferral: { delayedQueueUrl: delayed.url },
      instrument: [listenerMetrics({ registry })],
    });
    fixture.listeners.push(listener);
    let ran = 0;
    listener
      .subscribe(undefined, () => void ran++, {
        name: 'work',
        middleware: [rateLimit({ key: 'tenant', rate: 0.001, burst: 1 })],
      })
      .start();
    for (let i = 0; i < 3; i++)
      await client.send(
        new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ tenant: 't' }) }),
      );
    await waitFor(() => ran === 1 && listener.stats.deferred >= 2, { timeoutMs: 10_000 });
    const handled = await rows(registry, 'mega_listener_handled_total');
    const by = (outcome: string) =>
      handled.filter((r) => r.labels.outcome === outcome).reduce((s, r) => s + r.value, 0);
    assert.equal(by('ok'), 1);
    assert.equal(by('deferred'), 2, JSON.stringify(handled));
    assert.equal(by('dead-lettered'), 0, 'a deferral is not a dead-letter');
    const deferred = await rows(registry, 'mega_listener_deferred_total');
    assert.deepEqual(
      deferred.map((r) => [r.labels.queue, r.labels.mode, r.value]),
      [[name, 'reroute', 2]],
    );
    const dead = await rows(registry, 'mega_listener_dead_lettered_total');
    assert.equal(
      dead.reduce((s, r) => s + r.value, 0),
      0,
    );
  });

  test('circuitMetrics: one gauge row per circuit and state, 1 for the current state, following transitions', async () => {
    const registry = new Registry();
    const clock = new TestClock();
    const breaker = circuitBreaker({ clock, failures: 1, cooldownMs: 1000 });
    const stop = circuitMetrics(breaker, { registry });
    let healthy = false;
    const handler = breaker.middleware(() => {
      if (!healthy) throw new RetriableError('down');
    });
    const ctx = { subscriber: 'payments', attributes: {} } as never;
    const run = async () => handler({}, ctx);
    await run().catch(() => {});
    const current = async () =>
      (await rows(registry, 'mega_circuit_state'))
        .filter((r) => r.value === 1)
        .map((r) => `${r.labels.circuit}:${r.labels.state}`);
    assert.deepEqual(await current(), ['payments:open']);
    assert.equal((await rows(registry, 'mega_circuit_state')).length, 3);
    await clock.advance(1000);
    healthy = true;
    await run();
    assert.equal(breaker.state('payments'), 'closed', 'the probe succeeded');
    assert.deepEqual(await current(), ['payments:closed']);
    stop();
    healthy = false;
    await run().catch(() => {});
    assert.deepEqual(await current(), ['payments:closed'], 'unsubscribed: no longer followed');
    // a gauge made later starts from the states the breaker already has
    const again = new Registry();
    circuitMetrics(breaker, { registry: again });
    assert.deepEqual(
      (await rows(again, 'mega_circuit_state')).filter((r) => r.value === 1).map((r) => r.labels.state),
      ['open'],
    );
  });
});
