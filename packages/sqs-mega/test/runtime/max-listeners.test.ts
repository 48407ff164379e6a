import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Listener } from 'sqs-mega';
import { createQueue, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from './helpers.js';

const fixture = brokerForFile();

test('a listener at concurrency 100 prints no MaxListenersExceededWarning (its poll loops share one signal by design)', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    const client = fixture.client();
    const queue = await createQueue(client, 'max-listeners');
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 300 }, (_, i) => ({ i })),
    );
    const listener = new Listener({ client, queueUrl: queue.url, concurrency: 100, waitTimeSeconds: 1 });
    fixture.listeners.push(listener);
    let handled = 0;
    listener.subscribe(undefined, async () => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // slots stay busy: the poll loops wait
      handled++;
    });
    listener.start();
    await waitFor(() => handled >= 300, { timeoutMs: 30_000, message: '300 messages handled' });
    await listener.stop();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    assert.deepEqual(
      warnings.filter((w) => w === 'MaxListenersExceededWarning'),
      [],
    );
  } finally {
    process.off('warning', onWarning);
  }
});
