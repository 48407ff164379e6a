import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Listener } from 'sqs-mega';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, deferred, publishAll } from './helpers.js';

const fixture = brokerForFile();

/** Holds every DeleteMessageBatch the client sends until `open()`; counts those started. */
function gateDeletes(client: SQSClient) {
  const gate = deferred();
  const state = { started: 0, open: () => gate.resolve() };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'DeleteMessageBatchCommand') {
        state.started++;
        await gate.promise;
      }
      return next(args);
    },
    { step: 'initialize', name: 'gate-deletes' },
  );
  return state;
}

async function setup(name: string, concurrency: number) {
  const client = fixture.client();
  const queue = await createQueue(client, name);
  const listenerClient = fixture.client();
  const deletes = gateDeletes(listenerClient);
  const listener = new Listener({
    client: listenerClient,
    queueUrl: queue.url,
    concurrency,
    waitTimeSeconds: 1,
    heartbeatSeconds: false,
  });
  fixture.listeners.push(listener);
  return { client, queue, listener, deletes };
}

describe('Listener: settling overlaps the next receive', () => {
  test('at concurrency 1 the next message runs while the previous delete is still under way', async () => {
    const { client, queue, listener, deletes } = await setup('overlap', 1);
    const handled: number[] = [];
    listener.subscribe(undefined, (payload: { i: number }) => {
      handled.push(payload.i);
    });
    await publishAll(client, queue.url, [{ i: 1 }, { i: 2 }]);
    listener.start();
    // Before, the slot was held until the delete landed: with deletes held, the second message
    // was never received.
    await waitFor(() => handled.length === 2 || undefined);
    assert.deepEqual(
      await queueCounts(client, queue.url),
      { visible: 0, inFlight: 2, delayed: 0 },
      'no delete has landed',
    );
    assert.ok(deletes.started >= 1);
    assert.equal(listener.activeMessages, 1, 'the second message holds the slot while its delete waits');
    deletes.open();
    await waitFor(async () => (await queueCounts(client, queue.url)).inFlight === 0 || undefined);
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 0, inFlight: 0, delayed: 0 });
  });

  test('no more than `concurrency` settlements run with their slot given back: then it is held', async () => {
    const { client, queue, listener, deletes } = await setup('bounded', 2);
    const handled: number[] = [];
    listener.subscribe(undefined, (payload: { i: number }) => {
      handled.push(payload.i);
    });
    await publishAll(
      client,
      queue.url,
      Array.from({ length: 10 }, (_, i) => ({ i })),
    );
    listener.start();
    // 2 settle with their slot given back, 2 more hold their slots: 4 received, no more.
    await waitFor(() => handled.length === 4 || undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(handled.length, 4);
    assert.equal(listener.stats.received, 4);
    assert.equal(listener.activeMessages, 2);
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 6, inFlight: 4, delayed: 0 });
    deletes.open();
    await waitFor(() => handled.length === 10 || undefined);
    await listener.stop();
    assert.deepEqual(await queueCounts(client, queue.url), { visible: 0, inFlight: 0, delayed: 0 });
  });
});
