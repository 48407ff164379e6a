// The logged engine's FIFO records: a send's message, deduplication entry, group join and counter
// reservation are journaled as `PUT_FIFO` and `SEQ` records, which the log writer derives the same
// SQLite rows from as the calls they replace, whether the message survives its window or not, and
// which a killed process's journal replays at the next start.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../src/store/database.js';
import type { NewMessage, Store } from '../src/store/index.js';
import { coalesce, LogApplier, survivors } from '../src/store/logged/apply.js';
import { readJournal, segments } from '../src/store/logged/journal.js';
import {
  ARITY,
  CALL,
  DEDUP,
  DEL,
  GROUP,
  PUT,
  PUT_FIFO,
  Recorder,
  type Records,
  SEQ,
  UNGROUP,
} from '../src/store/logged/ops.js';
import { columnValues } from '../src/store/messages.js';
import { newMessage, queueRow } from './support/rows.js';
import { reopen } from './support/store.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const fifoMessage = (queueId: number, n: number, group: string): NewMessage =>
  newMessage(queueId, `b${n}`, 1_000, {
    group_id: group,
    dedup_id: `d${n}`,
    sequence_number: `1${String(n).padStart(19, '0')}`,
  });

/** What `insertFifo` (`sqs/fifo.ts`) does for message `n`, inside the caller's write. */
function sendFifo(store: Store, queueId: number, n: number, group: string): number {
  const m = fifoMessage(queueId, n, group);
  const seq = store.messages.insert(m);
  store.fifo.putDedup(queueId, '', m.dedup_id as string, {
    message_id: m.message_id,
    sequence_number: m.sequence_number,
    expires_at: 400_000,
  });
  store.fifo.addGroup(queueId, group, m.visible_at, seq);
  return seq;
}

/** The rows the log writer keeps that FIFO records write. */
function rows(db: Database.Database) {
  return {
    messages: db.prepare('SELECT seq, body, sequence_number FROM messages ORDER BY seq').all(),
    dedup: db.prepare('SELECT * FROM dedup ORDER BY queue_id, scope, dedup_id').all(),
    groups: db.prepare('SELECT * FROM fifo_groups ORDER BY queue_id, group_id').all(),
    sequences: db.prepare('SELECT id, last_sequence FROM queues ORDER BY id').all(),
  };
}

function database(): Database.Database {
  const db = new Database(':memory:');
  migrate(db);
  db.prepare(
    `INSERT INTO queues (id, region, name, fifo, attributes, tags, created_at, modified_at)
     VALUES (1, 'r', 'q.fifo', 1, '{}', '{}', 1, 1)`,
  ).run();
  return db;
}

describe('logged engine, FIFO records', () => {
  it('a FIFO send is one PUT_FIFO per message (its dedup entry and group join folded in) and one SEQ per reservation', () => {
    const recorder = new Recorder();
    recorder.begin();
    recorder.reserved(7, 5, 2);
    const a = fifoMessage(7, 5, 'g');
    recorder.putRow(10, a);
    recorder.dedup(7, '', 'd5', {
      message_id: a.message_id,
      sequence_number: a.sequence_number,
      expires_at: 9,
    });
    recorder.joined(7, 'g', a.visible_at, 10);
    // a deduplication entry of another message, and a group join that is not this message's: calls
    const b = fifoMessage(7, 6, 'h');
    recorder.putRow(11, b);
    recorder.dedup(7, 'h', 'other', {
      message_id: b.message_id,
      sequence_number: b.sequence_number,
      expires_at: 9,
    });
    recorder.joined(7, 'h', a.visible_at, 10);
    recorder.group(7, 'g', 5, 10);
    recorder.ungrouped(7, 'h');
    const { ops } = recorder.end();
    assert.deepEqual(ops, [
      SEQ,
      7,
      6,
      PUT_FIFO,
      10,
      ...columnValues(a),
      '',
      9,
      1,
      PUT,
      11,
      ...columnValues(b),
      CALL,
      'fifo',
      'putDedup',
      [7, 'h', 'other', { message_id: b.message_id, sequence_number: b.sequence_number, expires_at: 9 }],
      CALL,
      'fifo',
      'addGroup',
      [7, 'h', a.visible_at, 10],
      GROUP,
      7,
      'g',
      5,
      10,
      UNGROUP,
      7,
      'h',
    ]);
    assert.equal(
      3 + 1 + (ARITY[PUT_FIFO] as number),
      3 + 19,
      'PUT_FIFO: the PUT values, scope, expiry, joins',
    );
  });

  it('PUT_FIFO and SEQ write what the calls they replace wrote, applied one by one, as one batch, or as its survivors', () => {
    const put = (seq: number, n: number, group: string, joins = 1) => [
      PUT_FIFO,
      seq,
      ...columnValues(fifoMessage(1, n, group)),
      '',
      400_000,
      joins,
    ];
    // (an older journal's form of GROUP)
    const setGroup = (group: string, readyAt: number, head: number) => [
      CALL,
      'fifo',
      'setGroup',
      [1, group, readyAt, head],
    ];
    const records = [
      [SEQ, 1, 3],
      put(1, 1, 'a'), // deleted below: no message row, its dedup entry stays
      put(2, 2, 'a'), // stays, its join settled by the setGroup
      put(3, 3, 'b'), // deleted, its group never set again: its join is written
      [SEQ, 1, 2], // a smaller counter value never lowers it
      [GROUP, 1, 'a', 5_000, 1],
      [DEL, 1],
      setGroup('a', 1_000, 2),
      [DEL, 3],
      put(4, 4, 'c', 0), // a message whose join was recorded on its own
      put(5, 5, 'd'), // deleted, its group deleted: nothing of it but its dedup entry
      [DEL, 5],
      [UNGROUP, 1, 'd'],
    ];
    const position = { segment: 1, offset: 0 };
    const one = database();
    for (const r of records) new LogApplier(one).apply([r], position);
    const batched = database();
    new LogApplier(batched).apply([records.flat()], position);
    const chunks: Records = records.map((r) => r);
    const skip = coalesce(chunks);
    const kept = survivors(chunks, skip);
    const survived = database();
    new LogApplier(survived).apply(kept, position);
    const expected = rows(one);
    assert.deepEqual(rows(batched), expected);
    assert.deepEqual(rows(survived), expected);
    assert.deepEqual(expected.messages, [
      { seq: 2, body: 'b2', sequence_number: '10000000000000000002' },
      { seq: 4, body: 'b4', sequence_number: '10000000000000000004' },
    ]);
    assert.deepEqual(
      (expected.dedup as Array<{ dedup_id: string }>).map((d) => d.dedup_id),
      ['d1', 'd2', 'd3', 'd4', 'd5'],
    );
    assert.deepEqual(
      expected.groups.map((g) => Object.values(g as object).join(':')),
      ['1:a:1000:2', '1:b:1000:3'],
    );
    assert.deepEqual(expected.sequences, [{ id: 1, last_sequence: 3 }]);
    // the deleted messages' records are gone but for their deduplication entries (and b's join)
    const flat = kept.flat();
    assert.equal(flat.filter((v) => v === DEDUP).length >= 2, true);
    assert.ok(!kept.some((c) => c[0] === PUT_FIFO && (c[1] === 1 || c[1] === 5)), 'deleted: not sent');
    assert.equal(kept.filter((c) => c.includes('addGroup')).length, 1, "only message 3's join is sent");
    assert.ok(
      kept.some((c) => c.includes('addGroup')),
      "message 3's join survives its message (nothing set group b later)",
    );
  });

  it('a killed process loses no FIFO send it answered: messages, dedup entries, groups and counter come back on either engine', async () => {
    for (const engine of ['logged', 'sqlite'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'mega-logged-fifo-'));
      dirs.push(dir);
      const send = `(${sendFifo.toString()})`;
      const script = `
        import { LoggedStore } from ${JSON.stringify(new URL('../src/store/logged/index.ts', import.meta.url).href)};
        const newMessage = ${newMessage.toString()};
        const fifoMessage = ${fifoMessage.toString()};
        const sendFifo = ${send};
        const store = LoggedStore.open({ dataDir: ${JSON.stringify(dir)} }, (e) => e);
        const q = await store.write(() => store.queues.insert(${JSON.stringify(queueRow('q.fifo', true))}));
        const seqs = [];
        for (let batch = 0; batch < 20; batch++) {
          await store.write(() => {
            const first = store.queues.nextSequence(q, 10);
            for (let n = first; n < first + 10; n++) seqs.push(sendFifo(store, q, n, 'g' + (n % 3)));
          });
        }
        // the first 50 received and deleted, as the cycle does (their groups refreshed)
        await store.write(() => {
          for (const seq of seqs.slice(0, 50)) store.messages.delete(seq);
          for (const g of [0, 1, 2]) {
            const head = store.fifo.groupState(q, 'g' + g, 1)[0];
            store.fifo.setGroup(q, 'g' + g, head.visible_at, head.seq);
          }
        });
        process.stdout.write('done');
        process.kill(process.pid, 'SIGKILL');
      `;
      const child = spawnSync(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
        { encoding: 'utf8', timeout: 30_000 },
      );
      assert.equal(child.signal, 'SIGKILL', child.stderr);
      assert.equal(child.stdout, 'done', child.stderr);
      const journaled = readJournal(dir, { segment: 0, offset: 0 }).records.flat();
      assert.ok(journaled.includes(PUT_FIFO) && journaled.includes(SEQ), 'the journal holds the new records');
      assert.ok(
        !journaled.includes('putDedup') && !journaled.includes('addGroup'),
        'and no calls they replace',
      );
      const store = reopen(dir, engine);
      try {
        const bodies = store.moveTasks.page(1, 0, 1e15, 1000).map((m) => m.body);
        assert.deepEqual(
          bodies,
          Array.from({ length: 150 }, (_, i) => `b${i + 51}`),
          engine,
        );
        for (const n of [1, 50, 51, 200]) {
          assert.deepEqual(
            store.fifo.dedup(1, '', `d${n}`, 0),
            {
              message_id: `id-b${n}`,
              sequence_number: `1${String(n).padStart(19, '0')}`,
              expires_at: 400_000,
            },
            `${engine}: the dedup entry of message ${n}`,
          );
        }
        assert.equal(store.queues.all()[0]?.last_sequence, 200, `${engine}: the counter`);
        assert.deepEqual(store.fifo.readyGroups(1, 1e15, 10).sort(), ['g0', 'g1', 'g2']);
        assert.deepEqual(
          ['g0', 'g1', 'g2'].map((g) => store.fifo.head(1, g, -1, 1)[0]?.body),
          ['b51', 'b52', 'b53'],
        );
        const next = await store.write(() => store.queues.nextSequence(1, 1));
        assert.equal(next, 201, `${engine}: the counter goes on after the restored one`);
      } finally {
        await store.close();
      }
      assert.deepEqual(segments(dir), [], `${engine}: the journal was applied and deleted`);
    }
  });
});
