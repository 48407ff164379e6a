import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store/database.js';
import { GroupCommit } from '../src/store/group-commit.js';
import { Limited } from '../src/store/limited.js';
import { MESSAGE_COLUMNS, MessageQuery } from '../src/store/message-rows.js';
import { SCHEMA_VERSION } from '../src/store/schema.js';

describe('store', () => {
  it('creates a new database at the current schema version, in WAL mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mega-store-'));
    try {
      const db = openDatabase({ dataDir: dir });
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 1, 'NORMAL by default');
      db.close();
      const full = openDatabase({ dataDir: dir, fsync: true });
      assert.equal(full.pragma('synchronous', { simple: true }), 2, 'FULL with fsync');
      full.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates an older database forward and refuses a newer one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mega-store-'));
    try {
      const old = new Database(join(dir, 'broker.db'));
      old.pragma('user_version = 0');
      old.close();
      const db = openDatabase({ dataDir: dir });
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'messages'").get());
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      assert.throws(() => openDatabase({ dataDir: dir }), /newer than this broker/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('group commit: writes of one turn commit together; a failing write rolls back alone', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v TEXT)');
    const commits = new GroupCommit(db, (cause) => new Error(String(cause)));
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let committedBeforeCallback = -1;
    const a = commits.write(() => insert.run('a'));
    const b = commits.write(() => {
      insert.run('b');
      throw new Error('b fails');
    });
    const c = commits.write(() => insert.run('c'));
    commits.afterCommit(() => {
      committedBeforeCallback = (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    });
    assert.equal(db.inTransaction, true, 'the group stays open until the end of the turn');
    await assert.rejects(b, /b fails/);
    await Promise.all([a, c]);
    assert.equal(db.inTransaction, false);
    assert.deepEqual(
      db
        .prepare('SELECT v FROM t ORDER BY v')
        .all()
        .map((r) => (r as { v: string }).v),
      ['a', 'c'],
    );
    assert.equal(committedBeforeCallback, 2, 'after-commit callbacks see committed data');
  });

  it('group commit: a failed COMMIT rejects every write of the group and runs no callback', async () => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)',
    );
    db.pragma('foreign_keys = ON');
    const commits = new GroupCommit(db, () => new Error('store unavailable'));
    let called = false;
    const w = commits.write(() => db.prepare('INSERT INTO c (p) VALUES (42)').run());
    commits.afterCommit(() => {
      called = true;
    });
    await assert.rejects(w, /store unavailable/);
    assert.equal(called, false);
    assert.equal((db.prepare('SELECT count(*) AS n FROM c').get() as { n: number }).n, 0);
  });
});

describe('store: hot-path query plans do not depend on the backlog', () => {
  it('deleting by receipt looks messages up by rowid, never scanning the queue', async () => {
    const { deleteIfCurrentSql } = await import('../src/store/messages.js');
    const db = openDatabase({ inMemory: true });
    for (const n of [1, 10]) {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${deleteIfCurrentSql(n)}`)
        .all(...Array(3 * n + 1).fill(1))
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
      assert.match(plan, /SEARCH messages USING INTEGER PRIMARY KEY/, plan);
      assert.doesNotMatch(plan, /USING INDEX messages_(sent|ready) \(queue_id=\?\)/, plan);
    }
    db.close();
  });

  it('reads whole message rows with every column of the table, each under its own name', () => {
    const db = openDatabase({ inMemory: true });
    const columns = (db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>).map(
      (c) => c.name,
    );
    // one distinct value per column, so that a column read into the wrong field shows
    const values = columns.map((name, i) => (name === 'seq' ? 7 : name.endsWith('_at') ? 1000 + i : `v${i}`));
    db.prepare(
      `INSERT INTO messages (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    ).run(...values);
    const expected = db.prepare('SELECT * FROM messages WHERE seq = 7').get();
    const read = new MessageQuery(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = ?`).get(7);
    assert.deepEqual({ ...read }, expected);
    assert.equal(
      new MessageQuery(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = ?`).get(8),
      undefined,
    );
    db.close();
  });

  it('finding receivable messages walks the readiness index', async () => {
    const { ANY_READY_SQL, readySql } = await import('../src/store/messages.js');
    const db = openDatabase({ inMemory: true });
    for (const [sql, params] of [
      [ANY_READY_SQL, 3],
      [readySql(10), 3],
    ] as const) {
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...Array(params).fill(1))
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
      assert.match(plan, /USING INDEX messages_ready \(queue_id=\? AND visible_at<\?\)/, plan);
    }
    db.close();
  });
});

describe('store: limits are written into the SQL', () => {
  it('prepares one statement per limit, reuses it, and honours it', () => {
    const db = openDatabase({ inMemory: true });
    const texts: string[] = [];
    const limited = new Limited(
      (sql) => {
        texts.push(sql);
        return db.prepare(sql).pluck();
      },
      (limit) => `SELECT value FROM json_each('[1,2,3,4,5]') ORDER BY value LIMIT ${limit}`,
    );
    assert.deepEqual(limited.at(2).all(), [1, 2]);
    assert.deepEqual(limited.at(0).all(), []);
    assert.equal(limited.at(2), limited.at(2), 'the same statement for the same limit');
    assert.equal(texts.length, 2);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => limited.at(bad), RangeError, String(bad));
    db.close();
  });

  it('no store statement binds its LIMIT (SQLite would recompile it on every run)', () => {
    const dir = new URL('../src/store/', import.meta.url);
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /LIMIT\s+(\?|[@:]\w|\$(?!\{))/i.test(readFileSync(new URL(f, dir), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});

describe('store: purging and deleting big queues', () => {
  it('a purge or a queue deletion answers at once; the sweeper reclaims the rows in chunks; queue ids are never reused', async () => {
    const { startTestBroker } = await import('sqs-mega-broker/testing');
    const broker = await startTestBroker({ time: 'manual' });
    const { sqsClient } = await import('./support/clients.js');
    const sqs = sqsClient(broker, 'json');
    const { storedCount } = await import('./support/store.js');
    const rows = (queueId: number) => storedCount(broker, queueId);
    try {
      const fill = async (QueueUrl: string, n: number) => {
        for (let i = 0; i < n; i += 10) {
          await sqs.call('SendMessageBatch', {
            QueueUrl,
            Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, MessageBody: `body ${i + j}` })),
          });
        }
      };
      const purged = (await sqs.call('CreateQueue', { QueueName: 'big-purged' })).QueueUrl as string;
      const purgedId = broker.sqs.resolve({ region: 'us-east-1', origin: '' }, purged).id;
      await fill(purged, 25_000);
      await broker.testClock!.advance(1);
      await sqs.call('PurgeQueue', { QueueUrl: purged });
      assert.equal(rows(purgedId), 25_000, 'storage is reclaimed later, not inside the request');
      await broker.testClock!.advance(1);
      await sqs.call('SendMessage', { QueueUrl: purged, MessageBody: 'after the purge' });
      const counts = await sqs.call('GetQueueAttributes', {
        QueueUrl: purged,
        AttributeNames: ['ApproximateNumberOfMessages'],
      });
      assert.equal(counts.Attributes.ApproximateNumberOfMessages, '1', 'purged messages are gone at once');
      const got = await sqs.call('ReceiveMessage', { QueueUrl: purged, MaxNumberOfMessages: 10 });
      assert.deepEqual(
        got.Messages.map((m: { Body: string }) => m.Body),
        ['after the purge'],
      );

      const deleted = (await sqs.call('CreateQueue', { QueueName: 'big-deleted' })).QueueUrl as string;
      const deletedId = broker.sqs.resolve({ region: 'us-east-1', origin: '' }, deleted).id;
      await fill(deleted, 25_000);
      await sqs.call('DeleteQueue', { QueueUrl: deleted });
      assert.equal(rows(deletedId), 25_000, 'the rows outlive the queue until the sweeper comes');
      const health = async () =>
        ((await (await fetch(`${broker.url}/health`)).json()) as { reclaimingDeletedQueues: number })
          .reclaimingDeletedQueues;
      assert.equal(await health(), 1, '/health says a deleted queue is being reclaimed');
      assert.equal((await sqs.error('GetQueueUrl', { QueueName: 'big-deleted' })).name, 'QueueDoesNotExist');
      const fresh = (await sqs.call('CreateQueue', { QueueName: 'after-delete' })).QueueUrl as string;
      const freshId = broker.sqs.resolve({ region: 'us-east-1', origin: '' }, fresh).id;
      assert.ok(freshId > deletedId, 'a new queue never takes a deleted queue id');
      assert.equal((await sqs.call('ReceiveMessage', { QueueUrl: fresh })).Messages, undefined);

      // No write reclaims more than a chunk (1,000 rows): SQLite keeps the original of every page a
      // write's savepoint changes in memory until it is released, so a write per chunk bounds the
      // sweeper's memory (20 chunks in one write took anonymous memory from 81 to 161 MB on a fan-out's interleaved queues).
      const store = broker.sqs.store;
      const total = () => rows(purgedId) + rows(deletedId) + rows(freshId);
      const write = store.write.bind(store);
      let largest = 0;
      store.write = <T>(fn: () => T): Promise<T> => {
        const before = total();
        const done = write(fn);
        largest = Math.max(largest, before - total());
        return done;
      };
      // between sweeps the sweeper pauses three times as long as the last one took (real time)
      for (let i = 0; i < 20 && (rows(purgedId) > 1 || rows(deletedId) > 0); i++)
        await broker.testClock!.advance(1000);
      store.write = write;
      assert.equal(largest, 1000, 'each write reclaims one chunk');
      assert.equal(rows(purgedId), 1, 'only the message sent after the purge is left');
      assert.equal(rows(deletedId), 0, "the deleted queue's messages are reclaimed");
      assert.deepEqual(broker.sqs.store.queues.deadQueues(), []);
      assert.equal(await health(), 0);
    } finally {
      sqs.destroy();
      await broker.stop();
    }
  });
});
