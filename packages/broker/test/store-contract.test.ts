// The store contract suite: the same specs, run against every engine (Watermill's conformance-suite
// idea). An engine that passes them can back the broker; the broker's SQS/SNS suites then run on it
// too (MEGA_TEST_STORE, see scripts/test.mjs).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '../src/logger.js';
import { HeapStore } from '../src/store/heap/index.js';
import type { NewMessage, Store } from '../src/store/index.js';
import { LoggedStore } from '../src/store/logged/index.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { newMessage, queueRow, topicRow } from './support/rows.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const ENGINES: Array<{ name: string; open: () => Store }> = [
  { name: 'heap engine', open: () => new HeapStore() },
  {
    name: 'SQLite engine (WAL file)',
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), 'mega-contract-'));
      dirs.push(dir);
      return SqliteStore.open({ dataDir: dir }, (cause) => cause as Error);
    },
  },
  {
    name: 'logged engine (heap + SQLite log on a worker)',
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), 'mega-contract-'));
      dirs.push(dir);
      return LoggedStore.open({ dataDir: dir }, (cause) => cause as Error);
    },
  },
];

let counter = 0;
function message(queueId: number, at: number, extra: Partial<NewMessage> = {}): NewMessage {
  counter++;
  return newMessage(queueId, `body ${counter}`, at, { message_id: `id-${counter}`, ...extra });
}

for (const engine of ENGINES) {
  describe(`store contract: ${engine.name}`, () => {
    const withStore = (fn: (store: Store) => Promise<void> | void) => async () => {
      const store = engine.open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    };

    it(
      'queue ids increase and are never reused; a deleted queue stays listed as dead until forgotten',
      withStore(async (store) => {
        const a = await store.write(() => store.queues.insert(queueRow('a')));
        const b = await store.write(() => store.queues.insert(queueRow('b')));
        assert.ok(b > a);
        await store.write(() => store.queues.delete(b));
        const c = await store.write(() => store.queues.insert(queueRow('c')));
        assert.ok(c > b, 'a new queue never takes a deleted id');
        assert.deepEqual(
          store.queues.all().map((q) => q.name),
          ['a', 'c'],
        );
        assert.deepEqual(store.queues.deadQueues(), [b]);
        await store.write(() => store.queues.forgetDead(b));
        assert.deepEqual(store.queues.deadQueues(), []);
        assert.equal(await store.write(() => store.queues.nextSequence(a, 3)), 1);
        assert.equal(await store.write(() => store.queues.nextSequence(a)), 4);
        await store.write(() => store.queues.updateAttributes(a, '{"x":"1"}', 5));
        const row = store.queues.all().find((q) => q.id === a);
        assert.equal(row?.attributes, '{"x":"1"}');
        assert.equal(row?.modified_at, 5);
      }),
    );

    it(
      'receivable messages come oldest-visible first; delayed and in-flight ones wait; counts follow',
      withStore(async (store) => {
        const q = await store.write(() => store.queues.insert(queueRow('m')));
        const [s1, s2] = await store.write(() => [
          store.messages.insert(message(q, 100)),
          store.messages.insert(message(q, 100)),
        ]);
        await store.write(() => store.messages.insert(message(q, 100, { visible_at: 500 })));
        assert.ok((s2 as number) > (s1 as number));
        assert.equal(store.messages.anyReady(q, 100, 0), true);
        assert.deepEqual(
          store.messages.ready(q, 100, 0, 10).map((r) => r.seq),
          [s1, s2],
        );
        assert.deepEqual(store.messages.counts(q, 100, 0), { visible: 2, inFlight: 0, delayed: 1 });
        await store.write(() => store.messages.markReceived(s1 as number, 100, 300, 'tok'));
        const got = store.messages.get(q, s1 as number);
        assert.equal(got?.receive_count, 1);
        assert.equal(got?.receipt, 'tok');
        assert.equal(got?.first_received_at, 100);
        assert.deepEqual(
          store.messages.ready(q, 200, 0, 10).map((r) => r.seq),
          [s2],
        );
        assert.deepEqual(store.messages.counts(q, 200, 0), { visible: 1, inFlight: 1, delayed: 1 });
        assert.equal(store.messages.nextVisibleAt(q, 200), 300);
        // at 600 everything is visible again: s2 (visible since 100), s1 (300), the delayed one (500)
        const order = store.messages.ready(q, 600, 0, 10).map((r) => r.seq);
        assert.equal(order.length, 3);
        assert.equal(order[0], s2);
        assert.equal(order[1], s1);
        assert.equal(store.messages.nextVisibleAt(q, 600), undefined);
        // the retention cutoff hides old messages from reads
        assert.deepEqual(store.messages.ready(q, 600, 100, 10), []);
        assert.equal(store.messages.anyReady(q, 600, 100), false);
      }),
    );

    it(
      'a delete needs the latest receipt; rows returned are snapshots',
      withStore(async (store) => {
        const q = await store.write(() => store.queues.insert(queueRow('d')));
        const seq = await store.write(() => store.messages.insert(message(q, 10, { group_id: 'g' })));
        await store.write(() => store.messages.markReceived(seq, 10, 40, 'first'));
        await store.write(() => store.messages.markReceived(seq, 50, 80, 'second'));
        const row = store.messages.get(q, seq);
        assert.ok(row);
        row.receive_count = 99;
        assert.equal(store.messages.get(q, seq)?.receive_count, 2, 'changing a row changes nothing stored');
        assert.deepEqual(
          await store.write(() => store.messages.deleteIfCurrent(q, [{ seq, token: 'first' }])),
          [],
        );
        assert.equal(store.messages.get(q + 1, seq), undefined, 'a message is found only in its queue');
        assert.deepEqual(
          await store.write(() => store.messages.deleteIfCurrent(q, [{ seq, token: 'second' }])),
          [{ seq, group_id: 'g' }],
        );
        assert.equal(store.messages.get(q, seq), undefined);
      }),
    );

    it(
      'a write whose function throws leaves nothing behind; afterCommit runs once the write is committed',
      withStore(async (store) => {
        const q = await store.write(() => store.queues.insert(queueRow('t')));
        const kept = await store.write(() => store.messages.insert(message(q, 1)));
        const events: string[] = [];
        await assert.rejects(
          store.write(() => {
            store.messages.insert(message(q, 1));
            store.messages.delete(kept);
            store.queues.updateTags(q, '{"a":"b"}');
            store.fifo.putDedup(q, '', 'dd', { message_id: 'x', sequence_number: null, expires_at: 100 });
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.deepEqual(
          store.messages.ready(q, 1, 0, 10).map((r) => r.seq),
          [kept],
        );
        assert.equal(store.queues.all()[0]?.tags, '{}');
        assert.equal(store.fifo.dedup(q, '', 'dd', 1), undefined);
        const done = store.write(() => {
          store.afterCommit(() => events.push('after'));
          events.push('in');
        });
        await done;
        assert.deepEqual(events, ['in', 'after']);
      }),
    );

    it(
      'retention: expire removes the oldest messages and names their groups; reap empties a dead queue',
      withStore(async (store) => {
        const q = await store.write(() => store.queues.insert(queueRow('r')));
        await store.write(() => {
          store.messages.insert(message(q, 10, { group_id: 'a' }));
          store.messages.insert(message(q, 20));
          store.messages.insert(message(q, 30));
        });
        assert.equal(store.messages.oldestSentAt(q), 10);
        assert.deepEqual(await store.write(() => store.messages.expire(q, 20, 10)), ['a', null]);
        assert.equal(store.messages.oldestSentAt(q), 30);
        await store.write(() => store.queues.delete(q));
        assert.equal(await store.write(() => store.messages.reap(q, 10)), 1);
        assert.equal(store.messages.oldestSentAt(q), undefined);
      }),
    );

    it(
      'FIFO: groups by readiness, heads in seq order, dedup and receive attempts within their window',
      withStore(async (store) => {
        const q = await store.write(() => store.queues.insert(queueRow('f.fifo', true)));
        const [a1, a2, b1] = await store.write(() => {
          const a1 = store.messages.insert(message(q, 5, { group_id: 'a' }));
          store.fifo.addGroup(q, 'a', 5, a1);
          const a2 = store.messages.insert(message(q, 5, { group_id: 'a' }));
          store.fifo.addGroup(q, 'a', 5, a2);
          const b1 = store.messages.insert(message(q, 5, { group_id: 'b' }));
          store.fifo.addGroup(q, 'b', 5, b1);
          return [a1, a2, b1];
        });
        assert.deepEqual(store.fifo.readyGroups(q, 5, 10), ['a', 'b']);
        assert.deepEqual(
          store.fifo.head(q, 'a', -1, 10).map((r) => r.seq),
          [a1, a2],
        );
        assert.deepEqual(
          store.fifo.head(q, 'a', a1, 10).map((r) => r.seq),
          [a2],
        );
        assert.deepEqual(
          store.fifo.groupState(q, 'b', 11).map((r) => r.seq),
          [b1],
        );
        await store.write(() => store.fifo.setGroup(q, 'a', 50, a1));
        assert.deepEqual(store.fifo.readyGroups(q, 10, 10), ['b']);
        assert.equal(store.fifo.nextReadyAt(q, 10), 50);
        await store.write(() => {
          store.messages.delete(a1);
          store.fifo.setGroup(q, 'a', 5, a2);
        });
        assert.deepEqual(store.fifo.readyGroups(q, 10, 1), ['a'], 'ties go to the lower head seq');
        assert.deepEqual(
          store.fifo.head(q, 'a', a1, 10).map((r) => r.seq),
          [a2],
          'reading after a deleted message',
        );
        await store.write(() => store.fifo.deleteGroup(q, 'b'));
        assert.deepEqual(store.fifo.readyGroups(q, 10, 10), ['a']);

        await store.write(() => {
          store.fifo.putDedup(q, '', 'd1', { message_id: 'm1', sequence_number: '7', expires_at: 100 });
          store.fifo.putAttempt(q, 'att', '[1]', 200);
        });
        assert.deepEqual(store.fifo.dedup(q, '', 'd1', 99), {
          message_id: 'm1',
          sequence_number: '7',
          expires_at: 100,
        });
        assert.equal(store.fifo.dedup(q, 'other', 'd1', 99), undefined, 'scopes are apart');
        assert.equal(store.fifo.dedup(q, '', 'd1', 100), undefined);
        assert.equal(store.fifo.attempt(q, 'att', 150), '[1]');
        assert.equal(await store.write(() => store.fifo.expire(150)), 200);
        assert.equal(await store.write(() => store.fifo.expire(250)), undefined);
        assert.equal(store.fifo.attempt(q, 'att', 150), undefined);
      }),
    );

    it(
      'fair groups: fewest in flight first, then least recently served; a group goes once empty',
      withStore(async (store) => {
        const q = await store.write(() => store.queues.insert(queueRow('fair')));
        const seqs = await store.write(() => {
          const out: number[] = [];
          for (const g of ['x', 'y', 'x']) {
            out.push(store.messages.insert(message(q, 1, { group_id: g })));
            store.fair.add(q, g);
          }
          return out;
        });
        assert.equal(store.fair.any(q), true);
        assert.deepEqual(store.fair.candidates(q, 10), ['x', 'y']);
        assert.equal(store.fair.oldestReady(q, 'x', 1, 0)?.seq, seqs[0]);
        await store.write(() => {
          store.messages.markReceived(seqs[0] as number, 1, 100, 't');
          store.fair.served(q, 'x', 1);
        });
        assert.deepEqual(store.fair.candidates(q, 10), ['y', 'x']);
        assert.equal(store.fair.oldestReady(q, 'x', 2, 0)?.seq, seqs[2]);
        await store.write(() => {
          store.messages.delete(seqs[1] as number);
          store.fair.released(q, 'y');
        });
        assert.deepEqual(store.fair.candidates(q, 10), ['x'], 'the emptied group is gone');
        await store.write(() => store.fair.deleteAll(q));
        assert.equal(store.fair.any(q), false);
      }),
    );

    it(
      'move tasks: a snapshot of the source, pages in seq order, the most recent task first',
      withStore(async (store) => {
        const q = await store.write(() => store.queues.insert(queueRow('dlq')));
        const seqs = await store.write(() => [1, 2, 3].map(() => store.messages.insert(message(q, 10))));
        assert.deepEqual(store.moveTasks.snapshot(q, 0), { count: 3, maxSeq: seqs[2] });
        assert.deepEqual(
          store.moveTasks.page(q, seqs[0] as number, seqs[2] as number, 1).map((r) => r.seq),
          [seqs[1]],
        );
        assert.equal(store.moveTasks.anyLeft(q, seqs[2] as number, 0), true);
        assert.equal(store.moveTasks.anyLeft(q, seqs[2] as number, 10), false);
        const task = (id: string) => ({
          task_id: id,
          source_arn: 'arn:src',
          destination_arn: null,
          max_per_second: null,
          status: 'RUNNING' as const,
          moved: 0,
          to_move: 3,
          max_seq: seqs[2] as number,
          failure_reason: null,
          started_at: 1,
        });
        await store.write(() => {
          store.moveTasks.insert(task('t1'));
          store.moveTasks.insert(task('t2'));
          store.moveTasks.update('t1', 'COMPLETED', 3, null);
        });
        assert.deepEqual(
          store.moveTasks.bySource('arn:src', 10).map((t) => t.task_id),
          ['t2', 't1'],
        );
        assert.deepEqual(
          store.moveTasks.active().map((t) => t.task_id),
          ['t2'],
        );
        assert.equal(store.moveTasks.get('t1')?.moved, 3);
      }),
    );

    it(
      'SNS archive: a range in seq order within the times, expiry oldest first, a rolled-back insert leaves nothing',
      withStore(async (store) => {
        const row = (topic: string, seq: number, at: number) => ({
          topic_arn: topic,
          seq,
          published_at: at,
          message: `{"n":${seq}}`,
        });
        await store.write(() => {
          for (let i = 1; i <= 5; i++) store.snsArchive.insert(row('arn:a', i, i * 100));
          store.snsArchive.insert(row('arn:b', 1, 50));
        });
        const seqs = (rows: Array<{ seq: number }>) => rows.map((r) => r.seq);
        assert.deepEqual(seqs(store.snsArchive.range('arn:a', 200, 400, -1, 10)), [2, 3, 4]);
        assert.deepEqual(seqs(store.snsArchive.range('arn:a', 0, 1000, 2, 2)), [3, 4]);
        assert.equal(store.snsArchive.oldest('arn:a'), 100);
        assert.equal(await store.write(() => store.snsArchive.expire('arn:a', 300, 2)), 2);
        assert.equal(store.snsArchive.oldest('arn:a'), 300);
        assert.equal(await store.write(() => store.snsArchive.expire('arn:a', 300, 10)), 1);
        await assert.rejects(
          store.write(() => {
            store.snsArchive.insert(row('arn:a', 6, 600));
            throw new Error('rolled back');
          }),
        );
        assert.deepEqual(seqs(store.snsArchive.range('arn:a', 0, 1000, -1, 10)), [4, 5]);
        await store.write(() => store.snsArchive.deleteTopic('arn:a'));
        assert.equal(store.snsArchive.oldest('arn:a'), undefined);
        assert.equal(store.snsArchive.oldest('arn:b'), 50);
      }),
    );

    it(
      'SNS: topics with their subscriptions, deliveries due in order, the pending ones per subscription',
      withStore(async (store) => {
        await store.write(() => {
          store.snsTopics.insertTopic(topicRow('arn:t'));
          store.snsTopics.insertSubscription({
            arn: 'arn:t:s',
            topic_arn: 'arn:t',
            protocol: 'http',
            endpoint: 'http://x',
            attributes: '{}',
            confirmed: 0,
            token: 'tok',
            created_at: 1,
          });
        });
        assert.equal(await store.write(() => store.snsTopics.nextSequence('arn:t')), 1);
        assert.equal(await store.write(() => store.snsTopics.nextSequence('arn:t')), 2);
        await store.write(() => store.snsTopics.updateSubscription('arn:t:s', '{"a":"1"}', true));
        assert.equal(store.snsTopics.allSubscriptions()[0]?.confirmed, 1);
        const delivery = (due: number) => ({
          subscription_arn: 'arn:t:s',
          kind: 'Notification',
          message_id: 'm',
          body: 'b',
          raw: 0,
          due_at: due,
          created_at: 1,
        });
        const [late, early] = await store.write(() => [
          store.snsDeliveries.insert(delivery(20)),
          store.snsDeliveries.insert(delivery(10)),
        ]);
        assert.deepEqual(
          store.snsDeliveries.due(15, 10).map((d) => d.id),
          [early],
        );
        await store.write(() => store.snsDeliveries.retry(early as number, 1, 30));
        assert.deepEqual(
          store.snsDeliveries.due(40, 10).map((d) => d.id),
          [late, early],
        );
        assert.deepEqual(store.peek.deliveries(), [
          { subscription_arn: 'arn:t:s', pending: 2, max_attempts: 1, next_due_at: 20, oldest_at: 1 },
        ]);
        await store.write(() => store.snsTopics.deleteTopic('arn:t'));
        assert.deepEqual(store.snsTopics.allTopics(), []);
        assert.deepEqual(store.snsTopics.allSubscriptions(), []);
        await store.write(() => store.snsDeliveries.deleteForSubscription('arn:t:s'));
        assert.deepEqual(store.peek.deliveries(), []);
      }),
    );

    it(
      'peek lists messages in seq order without changing them',
      withStore(async (store) => {
        const q = await store.write(() => store.queues.insert(queueRow('p')));
        const seqs = await store.write(() => [5, 1].map((at) => store.messages.insert(message(q, at))));
        const peeked = store.peek.messages(q, 0, 10);
        assert.deepEqual(
          peeked.map((r) => r.seq),
          seqs,
        );
        assert.equal('receipt' in (peeked[0] as object), false);
        assert.deepEqual(
          store.peek.messages(q, 2, 10).map((r) => r.seq),
          [seqs[0]],
        );
        assert.equal(store.messages.get(q, seqs[0] as number)?.receive_count, 0);
        assert.equal(store.messages.tally.inserted, 2);
      }),
    );
  });
}

const silent = createLogger('silent');

describe('engine selection', () => {
  it('in memory is the heap engine, a data directory the SQLite engine (or the logged one if asked); /health names it', async () => {
    const { startBroker } = await import('../src/server.js');
    const dir = mkdtempSync(join(tmpdir(), 'mega-engine-'));
    dirs.push(dir);
    for (const [options, engine, type] of [
      [{ inMemory: true }, 'memory', HeapStore],
      [{ dataDir: dir }, 'sqlite', SqliteStore],
      [{ dataDir: dir, engine: 'logged' }, 'logged', LoggedStore],
    ] as const) {
      const broker = await startBroker({ ...options, port: 0, logger: silent });
      try {
        assert.ok(broker.sqs.store instanceof type);
        assert.equal(broker.sqs.store.engine, engine);
        const health = (await (await fetch(`${broker.url}/health`)).json()) as { store: string };
        assert.equal(health.store, engine);
      } finally {
        await broker.stop();
      }
    }
  });
});
