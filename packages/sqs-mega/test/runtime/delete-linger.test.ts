import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Listener, type ListenerOptions } from 'sqs-mega';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, countCommands, publishAll } from './helpers.js';

const fixture = brokerForFile();
const { listeners } = fixture;

async function setup(name: string, options: Partial<ListenerOptions>) {
  const client = fixture.client();
  const queue = await createQueue(client, name);
  const listener = new Listener({ client, queueUrl: queue.url, waitTimeSeconds: 1, ...options });
  listeners.push(listener);
  return { client, queue, listener, counts: countCommands(client) };
}

describe('Listener: deletes wait for a batch (deleteLingerMs)', () => {
  test('at concurrency 1, a done message gives its slot back while its delete waits: the next ones run, and their deletes share one call', async () => {
    const { client, queue, listener, counts } = await setup('linger-slot', {
      concurrency: 1,
      deleteLingerMs: 60_000,
    });
    let handled = 0;
    listener.subscribe(undefined, () => {
      handled++;
    });
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 4 }, (_, i) => ({ i })),
    );
    listener.start();
    // Holding the slot until the delete lands, the second message could not start: its delete waits a minute.
    await waitFor(() => handled === 4 || undefined);
    assert.equal(counts.get('DeleteMessageBatch'), undefined, 'no delete sent yet: they wait for a batch');
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 0, inFlight: 4, delayed: 0 });
    await listener.stop(); // sends what waits, without waiting out the linger
    assert.equal(counts.get('DeleteMessageBatch'), 1);
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 0, inFlight: 0, delayed: 0 });
  });

  test('ten waiting deletes go at once, whatever the linger', async () => {
    const { client, queue, listener, counts } = await setup('linger-ten', {
      concurrency: 2,
      deleteLingerMs: 60_000,
    });
    let handled = 0;
    listener.subscribe(undefined, () => {
      handled++;
    });
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 12 }, (_, i) => ({ i })),
    );
    listener.start();
    await waitFor(() => handled === 12 || undefined);
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 2 || undefined);
    assert.equal(counts.get('DeleteMessageBatch'), 1, 'the first ten, the last two still waiting');
    await listener.stop();
    assert.equal(counts.get('DeleteMessageBatch'), 2);
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 0, inFlight: 0, delayed: 0 });
  });

  test('deleteLingerMs: 0 sends each turn’s deletes at once', async () => {
    const { client, queue, listener, counts } = await setup('linger-zero', {
      concurrency: 1,
      deleteLingerMs: 0,
    });
    let handled = 0;
    listener.subscribe(undefined, () => {
      handled++;
    });
    await publishAll(client, queue.url, [{ i: 0 }, { i: 1 }]);
    listener.start();
    await waitFor(() => handled === 2 || undefined);
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 0 || undefined);
    assert.equal(counts.get('DeleteMessageBatch'), 2);
    await listener.stop();
  });
});
