// The logged engine's own guarantees, beyond the contract suite: what it acknowledges is in SQLite,
// a restart loads SQLite back into the heap, a killed process loses nothing it answered, a full
// database refuses sends and keeps what it answered, the log coalesces.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../src/store/database.js';
import type { MoveTaskRow, NewMessage, Store } from '../src/store/index.js';
import { coalesce, LogApplier } from '../src/store/logged/apply.js';
import { WINDOW_MS } from '../src/store/logged/commits.js';
import { LoggedStore } from '../src/store/logged/index.js';
import { LogJournal, readJournal, segments } from '../src/store/logged/journal.js';
import { ARITY, CALL, DEL, PUT, STATE } from '../src/store/logged/ops.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { newMessage, queueRow as row, topicRow } from './support/rows.js';
import { reopen } from './support/store.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mega-logged-'));
  dirs.push(dir);
  return dir;
}
const asIs = (cause: unknown) => cause as Error;

const message = (queueId: number, body: string, extra: Partial<NewMessage> = {}) =>
  newMessage(queueId, body, 1_000, extra);
const queueRow = (name: string, fifo = 0) => row(name, fifo === 1);

/** Everything a store holds that the tests below write, as plain data (to compare two engines). */
function snapshot(store: Store, queueIds: number[]) {
  return {
    queues: store.queues.all().sort((a, b) => a.id - b.id),
    dead: store.queues.deadQueues().sort(),
    messages: queueIds.map((q) => store.moveTasks.page(q, 0, 1e15, 1000)),
    fifo: queueIds.map((q) => ({
      groups: store.fifo.readyGroups(q, 1e15, 100).sort(),
      dedup: store.fifo.dedup(q, '', 'd1', 0),
      attempt: store.fifo.attempt(q, 'a1', 0),
    })),
    fair: queueIds.map((q) => store.fair.candidates(q, 100)),
    topics: store.snsTopics.allTopics(),
    subscriptions: store.snsTopics.allSubscriptions(),
    deliveries: store.snsDeliveries.due(1e15, 100),
    archive: store.snsArchive.range('arn:t', 0, 1e15, 0, 100),
    // (the SQLite engine's rows also carry the table's own id column)
    tasks: store.moveTasks.active().map(({ id: _, ...task }: MoveTaskRow & { id?: number }) => task),
  };
}

describe('logged engine', () => {
  it('stores in SQLite exactly what it answered, and a restart (on either durable engine) reads the same state back', async () => {
    const dir = dataDir();
    const store = LoggedStore.open({ dataDir: dir }, asIs);
    const std = await store.write(() => store.queues.insert(queueRow('std')));
    const fifo = await store.write(() => store.queues.insert(queueRow('q.fifo', 1)));
    const gone = await store.write(() => store.queues.insert(queueRow('gone')));
    await store.write(() => store.messages.insert(message(gone, 'orphan')));
    await store.write(() => store.queues.delete(gone));
    const seqs = await store.write(() => ['a', 'b', 'c'].map((b) => store.messages.insert(message(std, b))));
    await store.write(() => {
      store.fair.add(std, 'g1');
      store.messages.insert(message(std, 'grouped', { group_id: 'g1' }));
    });
    await store.write(() => {
      store.messages.markReceived(seqs[0] as number, 2_000, 32_000, 'token-a');
      store.fair.served(std, 'g1', 2_000);
    });
    await store.write(() => store.messages.delete(seqs[1] as number));
    await store.write(() => {
      const head = store.messages.insert(
        message(fifo, 'f1', { group_id: 'g', dedup_id: 'd1', sequence_number: '1' }),
      );
      store.fifo.addGroup(fifo, 'g', 1_000, head);
      store.fifo.putDedup(fifo, '', 'd1', { message_id: 'id-f1', sequence_number: '1', expires_at: 1e15 });
      store.fifo.putAttempt(fifo, 'a1', '["r"]', 1e15);
      store.queues.nextSequence(fifo, 2);
    });
    await store.write(() => {
      store.snsTopics.insertTopic(topicRow('arn:t'));
      store.snsTopics.nextSequence('arn:t');
      store.snsTopics.insertSubscription({
        arn: 'arn:t:s',
        topic_arn: 'arn:t',
        protocol: 'http',
        endpoint: 'http://127.0.0.1:1/',
        attributes: '{}',
        confirmed: 1,
        token: 'tok',
        created_at: 1,
      });
      const id = store.snsDeliveries.insert({
        subscription_arn: 'arn:t:s',
        kind: 'Notification',
        message_id: 'm',
        body: '{}',
        raw: 0,
        due_at: 5,
        created_at: 1,
      });
      store.snsDeliveries.retry(id, 1, 7);
      store.snsArchive.insert({ topic_arn: 'arn:t', seq: 1, published_at: 3, message: '{"m":1}' });
      store.moveTasks.insert({
        task_id: 'task',
        source_arn: 'arn:dlq',
        destination_arn: null,
        max_per_second: null,
        status: 'RUNNING',
        moved: 0,
        to_move: 3,
        max_seq: 9,
        failure_reason: null,
        started_at: 1,
      });
    });
    // a write whose function throws leaves nothing, in the heap or in the log
    await assert.rejects(
      store.write(() => {
        store.messages.insert(message(std, 'thrown'));
        throw new Error('no');
      }),
      /no/,
    );
    const ids = [std, fifo, gone];
    const before = snapshot(store, ids);
    assert.equal(before.messages[0]?.length, 3, 'a, c and grouped');
    assert.equal(before.messages[2]?.length, 1, "the deleted queue's message waits for the sweeper");
    await store.close();
    const indexes = () => {
      const db = new Database(join(dir, 'broker.db'), { readonly: true });
      try {
        return (
          db
            .prepare(
              "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' ORDER BY name",
            )
            .all() as Array<{
            name: string;
          }>
        ).map((r) => r.name);
      } finally {
        db.close();
      }
    };
    const grouped = ['messages_group', 'messages_group_ready'];
    assert.deepEqual(indexes(), grouped, 'the logged engine keeps only the indexes of grouped messages');

    const sqlite = SqliteStore.open({ dataDir: dir }, asIs);
    try {
      assert.deepEqual(snapshot(sqlite, ids), before);
    } finally {
      await sqlite.close();
    }
    assert.deepEqual(
      indexes(),
      [...grouped, 'messages_ready', 'messages_sent'],
      'the SQLite engine has all its indexes back',
    );
    const again = LoggedStore.open({ dataDir: dir }, asIs);
    try {
      assert.deepEqual(snapshot(again, ids), before);
      const next = await again.write(() => again.messages.insert(message(std, 'd')));
      assert.ok(next > Math.max(...(seqs as number[])), 'seqs continue after the restored ones');
      const id = await again.write(() => again.queues.insert(queueRow('new')));
      assert.ok(id > gone, 'queue ids are not reused after a restart');
    } finally {
      await again.close();
    }
  });

  it('a write is in the journal when it resolves, and in SQLite within a window', async () => {
    const dir = dataDir();
    const store = LoggedStore.open({ dataDir: dir }, asIs);
    const journaled = (seq: number) => {
      for (const ops of readJournal(dir, { segment: 0, offset: 0 }).records)
        for (let i = 0; i < ops.length; i += 1 + (ARITY[ops[i] as number] as number))
          if (ops[i] === PUT && ops[i + 1] === seq) return true;
      return false;
    };
    try {
      const q = await store.write(() => store.queues.insert(queueRow('q')));
      const writes = Array.from({ length: 50 }, (_, i) =>
        store
          .write(() => store.messages.insert(message(q, `m${i}`)))
          .then((seq) => ({ seq, journaled: journaled(seq) })),
      );
      const done = await Promise.all(writes);
      assert.deepEqual(
        done.filter((d) => !d.journaled),
        [],
        'answered before its frame was in the journal',
      );
      await store.busy();
      const db = new Database(join(dir, 'broker.db'), { readonly: true });
      try {
        const bodies = (
          db.prepare('SELECT body FROM messages ORDER BY seq').all() as Array<{ body: string }>
        ).map((r) => r.body);
        assert.deepEqual(
          bodies,
          Array.from({ length: 50 }, (_, i) => `m${i}`),
        );
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
    assert.deepEqual(segments(dir), [], 'a clean close leaves no journal');
  });

  it('a clean close right after the journal moved on to a new segment leaves no journal either', async () => {
    const dir = dataDir();
    const store = LoggedStore.open({ dataDir: dir }, asIs);
    try {
      const q = await store.write(() => store.queues.insert(queueRow('q')));
      // 1 MiB frames until a frame fills the 64 MiB segment: the journal opens an empty next one
      const body = 'x'.repeat(1024 * 1024);
      while (segments(dir).length < 2) await store.write(() => store.messages.insert(message(q, body)));
    } finally {
      await store.close();
    }
    assert.deepEqual(segments(dir), [], 'the journal ends where its last frame does, in the segment before');
  });

  it('a process killed after its writes resolved loses none of them: the next start, on either engine, applies the journal', async () => {
    for (const engine of ['logged', 'sqlite'] as const) {
      const dir = dataDir();
      const script = `
        import { LoggedStore } from ${JSON.stringify(new URL('../src/store/logged/index.ts', import.meta.url).href)};
        const store = LoggedStore.open({ dataDir: ${JSON.stringify(dir)} }, (e) => e);
        const q = await store.write(() => store.queues.insert(${JSON.stringify(queueRow('q'))}));
        const seqs = await Promise.all(Array.from({ length: 200 }, (_, i) => store.write(() =>
          store.messages.insert({ ...${JSON.stringify(message(0, ''))}, queue_id: q, body: 'k' + i }))));
        await store.write(() => { for (const seq of seqs.slice(0, 50)) store.messages.delete(seq); });
        process.stdout.write('done');
        process.kill(process.pid, 'SIGKILL');
      `;
      const child = spawnSync(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      assert.equal(child.signal, 'SIGKILL', child.stderr);
      assert.equal(child.stdout, 'done', child.stderr);
      assert.ok(segments(dir).length > 0, 'the killed process left its journal');
      const store = reopen(dir, engine);
      try {
        const bodies = store.moveTasks.page(1, 0, 1e15, 1000).map((m) => m.body);
        assert.deepEqual(
          bodies,
          Array.from({ length: 150 }, (_, i) => `k${i + 50}`),
          `${engine}: every answered send, none answered deleted (${bodies.length}: ${bodies.slice(0, 8).join(' ')})`,
        );
      } finally {
        await store.close();
      }
      assert.deepEqual(segments(dir), [], `${engine}: the journal was applied and deleted`);
    }
  });

  it('reads the journal back up to a torn last frame, and refuses one damaged before its end', () => {
    const dir = dataDir();
    const journal = new LogJournal(dir, 0);
    journal.append([[DEL, 1]]);
    const { at: end } = journal.append([[DEL, 2]]);
    journal.close(false);
    const file = join(dir, 'log-0000000001.journal');
    appendFileSync(file, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5]));
    assert.deepEqual(readJournal(dir, { segment: 0, offset: 0 }), {
      records: [
        [DEL, 1],
        [DEL, 2],
      ],
      end,
      last: 1,
    });
    const first = journal.position.offset / 2;
    assert.deepEqual(readJournal(dir, { segment: 1, offset: first }).records, [[DEL, 2]], 'from a position');
    writeFileSync(join(dir, 'log-0000000002.journal'), '');
    const bytes = readFileSync(file);
    bytes[first - 1] = (bytes[first - 1] as number) ^ 0xff;
    writeFileSync(file, bytes);
    assert.throws(
      () => readJournal(dir, { segment: 0, offset: 0 }),
      /is damaged at byte 0 .*restore a backup/,
    );
  });

  it('a full database keeps what it answered, refuses sends until SQLite has room, then applies it all', async () => {
    const dir = dataDir();
    const store = LoggedStore.open({ dataDir: dir, maxDatabaseBytes: 256 * 1024 }, (cause) =>
      Object.assign(new Error(`storage: ${(cause as Error).message}`), { cause }),
    );
    const acked: string[] = [];
    const refused: string[] = [];
    const seqs = new Map<string, number>();
    try {
      const q = await store.write(() => store.queues.insert(queueRow('q')));
      for (let round = 0; round < 60 && refused.length === 0; round++) {
        await Promise.all(
          Array.from({ length: 5 }, (_, i) => {
            const body = `m${round}-${i}-${'x'.repeat(3000)}`;
            return store
              .write(() => store.messages.insert(message(q, body)))
              .then(
                (seq) => {
                  acked.push(body);
                  seqs.set(body, seq);
                },
                (error: Error) => {
                  assert.match(error.message, /^storage: .*full/);
                  refused.push(body);
                },
              );
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, WINDOW_MS / 2));
      }
      assert.ok(acked.length > 5 && refused.length > 0, `${acked.length} stored, ${refused.length} refused`);
      const held = store.moveTasks.page(q, 0, 1e15, 10_000).map((m) => m.body);
      assert.deepEqual(
        held.sort(),
        [...acked].sort(),
        'the heap holds what was acknowledged, nothing refused',
      );
      const first = acked.shift() as string;
      await store.write(() => store.messages.delete(seqs.get(first) as number));
      await store.setMaxDatabaseBytes(Number.POSITIVE_INFINITY);
      await store.busy();
      await store.write(() => store.messages.insert(message(q, 'after')));
      acked.push('after');
    } finally {
      await store.close();
    }
    const sqlite = SqliteStore.open({ dataDir: dir }, asIs);
    try {
      const stored = sqlite.moveTasks.page(1, 0, 1e15, 10_000).map((m) => m.body);
      assert.deepEqual(
        stored.sort(),
        [...acked].sort(),
        'SQLite holds what was acknowledged and not deleted, nothing refused',
      );
    } finally {
      await sqlite.close();
    }
  });

  it('a large standard queue keeps its head in memory and its tail on disk, and gives every message back in order', async () => {
    const dir = dataDir();
    const limits = { cap: 10, chunk: 4 };
    let store = LoggedStore.open({ dataDir: dir }, asIs, limits);
    const held = (s: LoggedStore, q: number) => s.peek.messages(q, 0, 1e9).length;
    try {
      const q = await store.write(() => store.queues.insert(queueRow('big')));
      const sent: number[] = [];
      for (let i = 0; i < 60; i++)
        sent.push(await store.write(() => store.messages.insert(message(q, `m${i}`))));
      // a grouped and a delayed message sent while the tail exists stay in the heap
      const grouped = await store.write(() => store.messages.insert(message(q, 'g', { group_id: 'g1' })));
      const delayed = await store.write(() =>
        store.messages.insert(message(q, 'late', { visible_at: 5_000 })),
      );
      assert.equal(held(store, q), 12, 'the heap holds the cap, the grouped and the delayed message');
      assert.deepEqual(store.messages.counts(q, 2_000, 0), { visible: 61, inFlight: 0, delayed: 1 });
      await store.close();
      store = LoggedStore.open({ dataDir: dir }, asIs, limits);
      assert.ok(held(store, q) <= 12, `after a restart the heap holds ${held(store, q)}`);
      assert.deepEqual(store.messages.counts(q, 2_000, 0), { visible: 61, inFlight: 0, delayed: 1 });
      // receive everything: the whole first page is in flight, so each receive reads the tail back
      const got: string[] = [];
      for (let round = 0; round < 40; round++) {
        const rows = store.messages.ready(q, 2_000, 0, 5);
        if (rows.length === 0) break;
        await store.write(() => {
          for (const r of rows) store.messages.markReceived(r.seq, 2_000, 60_000, `t${r.seq}`);
        });
        for (const r of rows) got.push(r.body);
      }
      assert.deepEqual(
        got.filter((b) => b.startsWith('m')),
        Array.from({ length: 60 }, (_, i) => `m${i}`),
        'every tail message comes back, in seq order',
      );
      assert.ok(got.includes('g'));
      assert.ok(!got.includes('late'), 'the delayed one waits');
      assert.ok(sent.every((seq) => seq < grouped && grouped < delayed));
    } finally {
      await store.close();
    }
  });

  it('reading a tail back never brings back a message deleted from the heap whose delete is not on disk yet', async () => {
    const store = LoggedStore.open({ dataDir: dataDir() }, asIs, { cap: 3, chunk: 5 });
    try {
      const q = await store.write(() => store.queues.insert(queueRow('q')));
      for (let i = 0; i < 5; i++) await store.write(() => store.messages.insert(message(q, `m${i}`)));
      // sent while the queue has a tail, with a delay: kept in the heap, above the horizon
      const late = await store.write(() => store.messages.insert(message(q, 'late', { visible_at: 1_500 })));
      const head = store.messages.ready(q, 1_000, 0, 3);
      assert.deepEqual(
        head.map((m) => m.body),
        ['m0', 'm1', 'm2'],
      );
      await store.write(() => {
        for (const m of head) store.messages.markReceived(m.seq, 1_000, 90_000, 't');
      });
      // delete it, and before that delete commits, read the tail back past it
      const deleted = store.write(() => store.messages.delete(late));
      const next = store.messages.ready(q, 2_000, 0, 10).map((m) => m.body);
      await deleted;
      assert.deepEqual(next, ['m3', 'm4']);
      assert.deepEqual(
        store.peek.messages(q, 0, 100).map((m) => m.body),
        ['m0', 'm1', 'm2', 'm3', 'm4'],
        'the deleted message stays deleted',
      );
    } finally {
      await store.close();
    }
  });

  it('a purge or a deleted queue drops its disk-only tail, and a move task moves it', async () => {
    const dir = dataDir();
    const limits = { cap: 5, chunk: 2 };
    let store = LoggedStore.open({ dataDir: dir }, asIs, limits);
    try {
      const purged = await store.write(() => store.queues.insert(queueRow('purged')));
      const deleted = await store.write(() => store.queues.insert(queueRow('deleted')));
      const dlq = await store.write(() => store.queues.insert(queueRow('dlq')));
      for (const q of [purged, deleted, dlq])
        for (let i = 0; i < 20; i++) await store.write(() => store.messages.insert(message(q, `${q}-${i}`)));
      // purge: everything sent at or before the cutoff goes, the tail with one statement on disk
      let expired = 0;
      for (;;) {
        const gone = await store.write(() => store.messages.expire(purged, 1_000, 3));
        expired += gone.length;
        if (gone.length === 0) break;
      }
      assert.equal(expired, 5, 'the head was expired message by message');
      assert.deepEqual(store.messages.counts(purged, 2_000, 0), { visible: 0, inFlight: 0, delayed: 0 });
      await store.write(() => store.queues.delete(deleted));
      let reaped = 0;
      for (;;) {
        const n = await store.write(() => store.messages.reap(deleted, 3));
        reaped += n;
        if (n < 3) break;
      }
      assert.equal(reaped, 5);
      // a move task pages through the DLQ, tail included, deleting what it moved
      const snap = store.moveTasks.snapshot(dlq, 0);
      assert.equal(snap.count, 20);
      const moved: string[] = [];
      let after = 0;
      while (store.moveTasks.anyLeft(dlq, snap.maxSeq, 0)) {
        const page = store.moveTasks.page(dlq, after, snap.maxSeq, 3);
        assert.ok(page.length > 0, 'anyLeft and page agree');
        await store.write(() => {
          for (const m of page) store.messages.delete(m.seq);
        });
        for (const m of page) moved.push(m.body);
        after = (page.at(-1) as { seq: number }).seq;
      }
      assert.deepEqual(
        moved,
        Array.from({ length: 20 }, (_, i) => `${dlq}-${i}`),
      );
      await store.close();
      const sqlite = SqliteStore.open({ dataDir: dir }, asIs);
      try {
        const left = (q: number) => sqlite.moveTasks.page(q, 0, 1e15, 1000).length;
        assert.deepEqual([left(purged), left(deleted), left(dlq)], [0, 0, 0], 'nothing left on disk');
      } finally {
        await sqlite.close();
      }
      store = LoggedStore.open({ dataDir: dir }, asIs, limits);
    } finally {
      await store.close();
    }
  });

  it('coalesces the log: a message stored and deleted in one batch is never written; only its last state is', () => {
    const put = (seq: number) => [PUT, seq, ...Array.from({ length: 14 }, () => null)];
    const state = (seq: number) => [STATE, seq, 1, 1, 1, 1, 'r'];
    const ops = [...put(1), ...state(1), ...put(2), ...state(2), ...state(2), ...[DEL, 1], ...state(3)];
    const positions: number[] = [];
    for (let i = 0; i < ops.length; ) {
      positions.push(i);
      i += ops[i] === PUT ? 16 : ops[i] === STATE ? 7 : 2;
    }
    // records: 0 put 1, 1 state 1, 2 put 2, 3 state 2, 4 state 2, 5 del 1, 6 state 3
    const skipped = [...coalesce([ops])].map((i) => positions.indexOf(i)).sort();
    // the same records in two chunks: the same ones skipped, each as its chunk's
    const split = positions[3] as number;
    const chunked = [...coalesce([ops.slice(0, split), ops.slice(split)])]
      .map((i) => (i >= 2 ** 26 ? i - 2 ** 26 + split : i))
      .map((i) => positions.indexOf(i))
      .sort();
    assert.deepEqual(chunked, skipped);
    assert.deepEqual(skipped, [0, 1, 3, 5]);
  });

  it('coalesces FIFO group rows: only what sets a group last is written, and the SQLite state is the same', () => {
    const call = (method: string, ...args: unknown[]) => [CALL, 'fifo', method, args];
    const records = [
      call('addGroup', 1, 'a', 5, 1), // 0: settled by 2
      call('setGroup', 1, 'a', 6, 1), // 1: settled by 2
      call('setGroup', 1, 'a', 7, 2), // 2: wiped by 5
      call('setGroup', 1, 'b', 1, 3), // 3: wiped by 5
      call('setGroup', 2, 'b', 1, 4), // 4: another queue, kept
      call('deleteGroups', 1), // 5: kept
      call('addGroup', 1, 'c', 2, 5), // 6: kept (a conditional insert settles nothing)
      call('addGroup', 1, 'c', 3, 6), // 7: kept
      call('deleteGroup', 2, 'd'), // 8: settled by 9
      call('deleteGroup', 2, 'd'), // 9: kept
    ];
    const ops = records.flat();
    const skipped = [...coalesce([ops])].map((i) => i / 4).sort();
    assert.deepEqual(skipped, [0, 1, 2, 3, 8]);
    // applied as one batch (what coalesce finds is skipped) and one record per batch (nothing is)
    const rowsAfter = (batch: unknown[]) => {
      const db = new Database(':memory:');
      migrate(db);
      new LogApplier(db).apply([batch], { segment: 1, offset: 0 });
      return db.prepare('SELECT * FROM fifo_groups ORDER BY queue_id, group_id').all();
    };
    const each = (() => {
      const db = new Database(':memory:');
      migrate(db);
      const applier = new LogApplier(db);
      for (const r of records) applier.apply([r], { segment: 1, offset: 0 });
      return db.prepare('SELECT * FROM fifo_groups ORDER BY queue_id, group_id').all();
    })();
    assert.deepEqual(rowsAfter(ops), each);
    assert.deepEqual(
      each.map((r) => Object.values(r as object).join(':')),
      ['1:c:2:5', '2:b:1:4'],
    );
  });
});
