import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { Listener, ProcessStatus, SqsPublisher } from 'sqs-mega';
import { listenerMetrics, publisherMetrics, serveMetrics } from 'sqs-mega/metrics';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { z } from 'zod';
import { brokerForFile } from '../runtime/helpers.js';
import { runId } from './stores.js';

const fixture = brokerForFile();

async function value(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = await registry.getSingleMetric(name)?.get();
  const rows = (metric?.values ?? []).filter((v) =>
    Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x),
  );
  return rows.reduce((sum, v) => sum + v.value, 0);
}

describe('metrics', () => {
  test('listener and publisher metrics count what happened, by outcome, and /metrics serves them', async () => {
    const registry = new Registry();
    const client = fixture.client();
    const name = `metrics-${runId()}`;
    const queue = await createQueue(client, name);
    const dlq = await createQueue(client, `${name}-dlq`);
    const listener = new Listener({
      client,
      queueUrl: queue.url,
      waitTimeSeconds: 1,
      deadLetterQueueUrl: dlq.url,
      handlerTimeoutMs: 300,
      heartbeatSeconds: 0.2,
      backoff: { initialMs: 100, jitter: 'none' },
      instrument: [listenerMetrics({ registry })],
    });
    fixture.listeners.push(listener);
    let retried = false;
    listener
      .subscribe({
        kind: 'data',
        name: 'work',
        schema: z.object({ op: z.enum(['ok', 'retry', 'fatal', 'slow']) }),
        handler: async ({ op }, context) => {
          if (op === 'retry' && !retried) {
            retried = true;
            return ProcessStatus.RETRY_LATER;
          }
          if (op === 'fatal') return ProcessStatus.FATAL_ERROR;
          if (op === 'slow' && context.receiveCount === 1) await new Promise((r) => setTimeout(r, 600)); // heartbeats extend it, then it times out
        },
      })
      .start();
    const publisher = new SqsPublisher({
      client,
      queueUrl: queue.url,
      instrument: [publisherMetrics({ registry })],
    });
    await Promise.all(
      [{ op: 'ok' }, { op: 'retry' }, { op: 'fatal' }, { op: 'bad' }, { op: 'slow' }].map((p) =>
        publisher.publish(p),
      ),
    );
    await waitFor(
      async () => {
        const c = await queueCounts(client, queue.url);
        return c.visible + c.inFlight + c.delayed === 0;
      },
      { timeoutMs: 15_000 },
    );
    const q = { queue: name };
    assert.equal(await value(registry, 'mega_listener_received_total', q), 7); // 5 + retry + slow again
    const outcome = (o: string) =>
      value(registry, 'mega_listener_handled_total', { ...q, subscriber: 'work', outcome: o });
    assert.equal(await outcome('ok'), 3);
    assert.equal(await outcome('retry'), 1);
    assert.equal(await outcome('dead-lettered'), 1);
    assert.equal(await outcome('poison'), 1);
    assert.equal(await outcome('timeout'), 1);
    assert.equal(await value(registry, 'mega_listener_dead_lettered_total', q), 2);
    await waitFor(async () => (await value(registry, 'mega_listener_in_flight', q)) === 0);
    assert.ok((await value(registry, 'mega_listener_visibility_extensions_total', q)) >= 1);
    const text = await registry.metrics();
    assert.match(
      text,
      new RegExp(`mega_listener_handler_duration_seconds_count\\{queue="${name}",subscriber="work"\\} 7`),
    );
    assert.match(text, new RegExp(`mega_listener_receive_batch_size_count\\{queue="${name}"\\} \\d+`));
    assert.match(text, new RegExp(`mega_listener_lag_seconds_count\\{queue="${name}"\\} 7`));
    assert.equal(await value(registry, 'mega_publisher_sent_total', { destination: name }), 5);
    assert.equal(await value(registry, 'mega_publisher_failed_total', { destination: name }), 0);
    assert.match(text, new RegExp(`mega_publisher_batch_size_sum\\{destination="${name}"\\} 5`));

    const server = await serveMetrics({ registry, port: 0 });
    try {
      const res = await fetch(server.url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(await res.text(), /mega_listener_received_total/);
      assert.equal((await fetch(server.url.replace('/metrics', '/other'))).status, 404);
    } finally {
      await server.close();
    }
  });

  test('two listeners can share a registry (metrics registered once, told apart by queue)', () => {
    const registry = new Registry();
    listenerMetrics({ registry });
    assert.doesNotThrow(() => listenerMetrics({ registry }));
    assert.equal(
      registry.getMetricsAsArray().filter((m) => m.name === 'mega_listener_received_total').length,
      1,
    );
  });
});
