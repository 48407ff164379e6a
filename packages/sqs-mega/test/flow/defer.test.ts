import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  DEFER_SOURCE_ATTRIBUTE,
  DEFER_TARGETS_ATTRIBUTE,
  defer,
  FlowOptionError,
  Listener,
  type ListenerEvents,
  type MessageContext,
  RetriableError,
} from 'sqs-mega';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile } from '../runtime/helpers.js';
import { deadLetters, deferralSetup } from './helpers.js';

const fixture = brokerForFile();

describe('deferral by reroute', () => {
  test('a deferred message comes back after its delay as a copy with receive count 1, attributes kept, never dead-lettered', async () => {
    // maxReceiveCount 2: three deferrals by visibility would have dead-lettered it.
    const { client, queue, delayed, listener, empty } = await deferralSetup(fixture, 'reroute-basic');
    const runs: { count: number; ctx: MessageContext; at: number }[] = [];
    const deferred: ListenerEvents['deferred'][] = [];
    listener.on('deferred', (e) => deferred.push(e));
    listener
      .subscribe(undefined, (_payload, ctx) => {
        runs.push({ count: ctx.receiveCount, ctx, at: Date.now() });
        if (runs.length <= 3) throw defer(1, 'not yet');
      })
      .start();
    await client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: JSON.stringify({ hello: 'world' }),
        MessageAttributes: { tenant: { DataType: 'String', StringValue: 'acme' } },
      }),
    );
    await waitFor(() => runs.length === 4, { timeoutMs: 20_000 });
    await waitFor(empty, { timeoutMs: 10_000 });
    assert.deepEqual(
      runs.map((r) => r.count),
      [1, 1, 1, 1],
      'each copy starts with a receive count of 1',
    );
    const last = runs[3]!.ctx;
    assert.equal(last.attributes.tenant?.StringValue, 'acme');
    assert.equal(last.attributes[DEFER_SOURCE_ATTRIBUTE]?.StringValue, queue.url);
    assert.equal(last.decoded.kind, 'data');
    for (let i = 1; i < 4; i++)
      assert.ok(
        runs[i]!.at - runs[i - 1]!.at >= 900,
        `copy ${i} waited its delay (${runs[i]!.at - runs[i - 1]!.at} ms)`,
      );
    assert.deepEqual(
      deferred.map((d) => [d.mode, d.seconds, d.queueUrl]),
      [
        ['reroute', 1, delayed.url],
        ['reroute', 1, delayed.url],
        ['reroute', 1, delayed.url],
      ],
    );
    assert.equal((await deadLetters(client, queue)).length, 0);
    assert.equal((await deadLetters(client, delayed)).length, 0);
    const stats = listener.stats;
    assert.equal(stats.deferred, 3);
    assert.equal(stats['dead-lettered'], 0);
    assert.equal(stats.error, 0, 'a deferral is not reported as a failure');
  });

  test('a copy runs only the subscribers that deferred: the others are not run twice', async () => {
    const { client, queue, listener, empty } = await deferralSetup(fixture, 'reroute-targets');
    const calls: string[] = [];
    let slowRuns = 0;
    listener
      .subscribe(undefined, () => void calls.push('quick'), { name: 'quick' })
      .subscribe(
        undefined,
        (_p, ctx) => {
          calls.push('slow');
          if (slowRuns++ === 0) throw defer(1);
          assert.equal(ctx.attributes[DEFER_TARGETS_ATTRIBUTE]?.StringValue, '["slow"]');
        },
        { name: 'slow' },
      )
      .start();
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"n":1}' }));
    await waitFor(() => calls.length === 3, { timeoutMs: 10_000 });
    await waitFor(empty, { timeoutMs: 10_000 });
    assert.deepEqual(calls.sort(), ['quick', 'slow', 'slow']);
  });

  test('a FIFO message is rerouted to the FIFO delayed queue with its group id and a fresh deduplication id', async () => {
    const { client, queue, listener, empty } = await deferralSetup(fixture, 'reroute-fifo.fifo');
    const seen: { group?: string; count: number; body: string }[] = [];
    listener
      .subscribe(undefined, (_p, ctx) => {
        seen.push({
          group: ctx.systemAttributes.MessageGroupId,
          count: ctx.receiveCount,
          body: ctx.message.Body ?? '',
        });
        if (seen.length === 1) throw defer(1);
      })
      .start();
    await client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"n":1}',
        MessageGroupId: 'g-7',
        MessageDeduplicationId: 'd-1',
      }),
    );
    await waitFor(() => seen.length === 2, { timeoutMs: 10_000 });
    await waitFor(empty, { timeoutMs: 10_000 });
    assert.deepEqual(seen, [
      { group: 'g-7', count: 1, body: '{"n":1}' },
      { group: 'g-7', count: 1, body: '{"n":1}' },
    ]);
  });
});

describe('deferral by visibility', () => {
  test('the same message comes back with a growing receive count, and is rerouted near maxReceiveCount', async () => {
    // maxReceiveCount 3: the listener lowers maxAttempts to 3, so from receive 2 on it reroutes.
    const { client, queue, listener, empty } = await deferralSetup(
      fixture,
      'visibility-guard',
      { deferral: { mode: 'visibility', delayedQueueUrl: undefined } },
      3,
    );
    const runs: { id: string; count: number }[] = [];
    const modes: string[] = [];
    listener.on('deferred', (e) => modes.push(e.mode));
    listener
      .subscribe(undefined, (_p, ctx) => {
        runs.push({ id: ctx.messageId, count: ctx.receiveCount });
        if (runs.length <= 4) throw defer(1);
      })
      .start();
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"n":1}' }));
    await waitFor(() => runs.length === 5, { timeoutMs: 20_000 });
    await waitFor(empty, { timeoutMs: 10_000 });
    assert.deepEqual(modes, ['visibility', 'reroute', 'visibility', 'reroute']);
    assert.deepEqual(
      runs.map((r) => r.count),
      [1, 2, 1, 2, 1],
    );
    assert.equal(runs[0]!.id, runs[1]!.id, 'visibility keeps the message');
    assert.notEqual(runs[1]!.id, runs[2]!.id, 'the reroute (to the queue itself) is a new message');
    assert.equal((await deadLetters(client, queue)).length, 0);
  });

  test('a failure among deferrals is a failure: the message is retried, not deferred', async () => {
    const { client, queue, listener, empty } = await deferralSetup(fixture, 'mixed', {}, 5);
    let deferrals = 0;
    let failures = 0;
    const retried: number[] = [];
    listener.on('retried', (e) => retried.push(e.receiveCount));
    listener
      .subscribe(
        undefined,
        () => {
          if (deferrals++ === 0) throw defer(1);
        },
        { name: 'defers' },
      )
      .subscribe(
        undefined,
        () => {
          if (failures++ === 0) throw new RetriableError('downstream hiccup');
        },
        { name: 'fails' },
      )
      .start();
    await client.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"n":1}' }));
    await waitFor(empty, { timeoutMs: 10_000 });
    assert.deepEqual(retried, [1]);
    assert.deepEqual([deferrals, failures], [2, 2]);
    assert.equal(listener.stats.deferred, 0);
  });
});

describe('deferral options', () => {
  test('reroute without a delayed queue, or a delayed queue of the other kind, is a FlowOptionError naming the option', async () => {
    const client = fixture.client();
    const queue = await createQueue(client, 'options-check');
    assert.throws(
      () => new Listener({ client, queueUrl: queue.url, deferral: { mode: 'reroute' } }),
      (e: unknown) => e instanceof FlowOptionError && e.option === 'deferral.delayedQueueUrl',
    );
    assert.throws(
      () =>
        new Listener({ client, queueUrl: queue.url, deferral: { delayedQueueUrl: `${queue.url}-d.fifo` } }),
      (e: unknown) => e instanceof FlowOptionError && /standard queue/.test(e.message),
    );
    assert.throws(
      () => new Listener({ client, queueUrl: queue.url, deferral: { rerouteMargin: -1 } }),
      (e: unknown) => e instanceof FlowOptionError && e.option === 'deferral.rerouteMargin',
    );
    assert.equal((await queueCounts(client, queue.url)).visible, 0);
  });
});
