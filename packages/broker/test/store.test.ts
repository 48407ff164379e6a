import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store/database.js';
import { GroupCommit } from '../src/store/group-commit.js';
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

  it('finding receivable messages walks the readiness index', async () => {
    const { ANY_READY_SQL, READY_SQL } = await import('../src/store/messages.js');
    const db = openDatabase({ inMemory: true });
    for (const [sql, params] of [
      [ANY_READY_SQL, 3],
      [READY_SQL, 4],
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
