import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createMegaEvent,
  DEAD_LETTER_REASON_ATTRIBUTE,
  Listener,
  SchemaValidationError,
  SqsPublisher,
} from 'sqs-mega';
import { createQueue, queueCounts, receiveAll, waitFor } from 'sqs-mega-broker/testing';
import * as v from 'valibot';
import { z } from 'zod';
import { brokerForFile, publishAll } from '../runtime/helpers.js';
import { runId } from './stores.js';

const fixture = brokerForFile();

async function setup(name: string) {
  const client = fixture.client();
  const queue = await createQueue(client, `${name}-${runId()}`);
  const dlq = await createQueue(client, `${name}-dlq-${runId()}`);
  const listener = new Listener({
    client,
    queueUrl: queue.url,
    waitTimeSeconds: 1,
    deadLetterQueueUrl: dlq.url,
  });
  fixture.listeners.push(listener);
  return { client, url: queue.url, dlq: dlq.url, listener };
}

const schemas = {
  zod: z.object({
    type: z.literal('payment'),
    amount: z.number().positive(),
    currency: z.string().length(3),
  }),
  valibot: v.object({
    type: v.literal('payment'),
    amount: v.pipe(v.number(), v.minValue(0.01)),
    currency: v.pipe(v.string(), v.length(3)),
  }),
};

for (const [library, schema] of Object.entries(schemas)) {
  describe(`typed events with ${library}`, () => {
    test('valid payloads reach the typed handler; invalid ones are dead-lettered with their issues, never handled', async () => {
      const { client, url, dlq, listener } = await setup(`typed-${library}`);
      const handled: number[] = [];
      listener
        .subscribe({
          kind: 'data',
          name: 'payments',
          pattern: { type: 'payment' },
          schema,
          handler: (payment) => {
            // typed from the schema: amount is a number, currency a string
            handled.push(payment.amount + payment.currency.length);
          },
        })
        .start();
      await publishAll(client, url, [
        { type: 'payment', amount: 10, currency: 'EUR' },
        { type: 'payment', amount: -5, currency: 'EURO' },
      ]);
      const [dead] = await waitFor(
        async () => {
          const got = await receiveAll(client, dlq);
          return got.length > 0 ? got : undefined;
        },
        { timeoutMs: 10_000 },
      );
      assert.deepEqual(handled, [13]);
      const reason = dead?.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue ?? '';
      assert.match(
        reason,
        /payments: .*SchemaValidationError: subscriber payments: payload failed its schema/,
      );
      assert.match(reason, /amount: /);
      assert.match(reason, /currency: /);
      assert.ok(Object.keys(dead?.MessageAttributes ?? {}).length <= 10);
      assert.equal(JSON.parse(dead?.Body ?? '{}').amount, -5);
      await waitFor(async () => (await queueCounts(client, url)).inFlight === 0);
    });

    test('a publisher with a schema refuses an invalid payload before sending', async () => {
      const { client, url } = await setup(`pub-${library}`);
      const publisher = new SqsPublisher({ client, queueUrl: url });
      await publisher.publish({ type: 'payment', amount: 1, currency: 'USD' }, { schema });
      await assert.rejects(
        publisher.publish({ type: 'payment', amount: 0, currency: 'USD' }, { schema }),
        (error: unknown) =>
          error instanceof SchemaValidationError && error.issues.some((i) => i.path === 'amount'),
      );
      assert.equal((await queueCounts(client, url)).visible, 1);
    });
  });
}

describe('typed events: edge cases', () => {
  test('an event subscriber gets the schema output (transforms applied) for the MEGA event', async () => {
    const { client, url, listener } = await setup('event-schema');
    const schema = z.object({
      event: z.object({ name: z.string(), subject: z.string().transform((s) => s.toUpperCase()) }),
    });
    const seen: string[] = [];
    listener.subscribe({ kind: 'event', schema, handler: (e) => void seen.push(e.event.subject) }).start();
    await publishAll(client, url, [createMegaEvent({ name: 'user.created', subject: 'ada' })]);
    await waitFor(() => seen.length === 1);
    assert.deepEqual(seen, ['ADA']);
  });

  test('a schema that throws is a handler error: the listener keeps going', async () => {
    const { client, url, dlq, listener } = await setup('throwing-schema');
    const throwing = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => {
          if ((value as { boom?: boolean }).boom) throw new Error('schema exploded');
          return { value: value as { boom?: boolean } };
        },
      },
    };
    const seen: unknown[] = [];
    listener.subscribe({ kind: 'data', schema: throwing, handler: (d) => void seen.push(d) }).start();
    await publishAll(client, url, [{ boom: true }]);
    await waitFor(async () => (await receiveAll(client, dlq)).length === 1, { timeoutMs: 10_000 });
    await publishAll(client, url, [{ boom: false }]);
    await waitFor(() => seen.length === 1);
    assert.equal(listener.stats.error >= 1, true);
  });
});
