import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startTestBroker } from 'sqs-mega-broker/testing';
import { migrations } from '../src/store/schema.js';
import { jsonRequest, rawRequest } from './support/raw-http.js';
import { setDatabaseLimit, sqliteDb } from './support/store.js';

const require = createRequire(import.meta.url);

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function serve(dataDir: string): { code: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CLI, 'serve', '--port', '0', '--data-dir', dataDir],
    { encoding: 'utf8', timeout: 30_000, env: { ...process.env, MEGA_LOG_LEVEL: 'warn' } },
  );
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('storage faults', () => {
  for (const engine of ['sqlite', 'logged'] as const)
    it(`${engine} engine: a full database refuses sends with a 503 that says how to recover, acknowledges only what it stored, and takes writes again once the limit is raised`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mega-full-'));
      const broker = await startTestBroker({ dataDir, maxDatabaseBytes: 256 * 1024, engine });
      let stopped = false;
      try {
        const created = await rawRequest(broker.url, jsonRequest('CreateQueue', '{"QueueName":"full"}'));
        const { QueueUrl } = JSON.parse(created.body) as { QueueUrl: string };
        const acked: string[] = [];
        const refused: string[] = [];
        for (let round = 0; round < 40 && refused.length < 20; round++) {
          await Promise.all(
            Array.from({ length: 10 }, async (_, i) => {
              const body = `m${round}-${i}-${'x'.repeat(4000)}`;
              const res = await rawRequest(
                broker.url,
                jsonRequest('SendMessage', JSON.stringify({ QueueUrl, MessageBody: body })),
              );
              if (res.status === 200) acked.push(body);
              else {
                assert.equal(res.status, 503, res.body);
                const error = JSON.parse(res.body) as { __type: string; message: string };
                assert.equal(error.__type, 'com.amazonaws.sqs#ServiceUnavailable');
                assert.match(error.message, /database is full/);
                assert.match(error.message, /--max-database-bytes/);
                assert.equal(res.headers['x-amzn-query-error'], 'ServiceUnavailable;Receiver');
                refused.push(body);
              }
            }),
          );
        }
        assert.ok(acked.length > 10, `${acked.length} sends stored before the limit`);
        assert.ok(refused.length >= 20, `${refused.length} sends refused`);
        await setDatabaseLimit(broker, Number.POSITIVE_INFINITY);
        const after = await rawRequest(
          broker.url,
          jsonRequest('SendMessage', JSON.stringify({ QueueUrl, MessageBody: 'after' })),
        );
        assert.equal(after.status, 200, after.body);
        acked.push('after');
        // the file once the broker stopped (the logged engine applies the rest of its journal then)
        stopped = true;
        await broker.stop();
        const file = new Database(join(dataDir, 'broker.db'), { readonly: true });
        const stored = new Set(
          (file.prepare('SELECT body FROM messages').all() as Array<{ body: string }>).map((r) => r.body),
        );
        file.close();
        assert.deepEqual(
          acked.filter((b) => !stored.has(b)),
          [],
          'acknowledged sends missing',
        );
        assert.deepEqual(
          refused.filter((b) => stored.has(b)),
          [],
          'refused sends stored',
        );
      } finally {
        if (!stopped) await broker.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

  it('mega serve on a corrupted database file exits 1 naming the file and the recovery, without a stack trace', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-corrupt-'));
    try {
      writeFileSync(join(dataDir, 'broker.db'), Buffer.alloc(16384, 0x5a));
      const { code, output } = serve(dataDir);
      assert.equal(code, 1, output);
      assert.match(
        output,
        new RegExp(`Cannot open the broker database ${join(dataDir, 'broker.db').replace(/[/.]/g, '\\$&')}`),
      );
      assert.match(output, /restore a backup/);
      assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('mega serve on a database locked by another process exits 1 saying to stop that process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-locked-'));
    const file = join(dataDir, 'broker.db');
    new Database(file).close();
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new D(${JSON.stringify(file)}); db.pragma('locking_mode = EXCLUSIVE'); db.exec('BEGIN EXCLUSIVE'); console.log('locked'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
      const { code, output } = serve(dataDir);
      assert.equal(code, 1, output);
      assert.match(output, /Cannot open the broker database .*broker\.db/);
      assert.match(output, /Stop that process/);
      assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
    } finally {
      holder.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a broker started on a version 1 database migrates it and reads its messages', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-v1-'));
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, 'broker.db'));
    db.exec(migrations[0] as string);
    db.pragma('user_version = 1');
    db.prepare(
      "INSERT INTO queues (id, region, name, attributes, created_at, modified_at) VALUES (1, 'us-east-1', 'old', ?, 0, 0)",
    ).run(
      JSON.stringify({
        VisibilityTimeout: '30',
        DelaySeconds: '0',
        MessageRetentionPeriod: '345600',
        MaximumMessageSize: '1048576',
        ReceiveMessageWaitTimeSeconds: '0',
      }),
    );
    db.prepare(
      "INSERT INTO messages (queue_id, message_id, body, md5_body, sent_at, visible_at, sender_id) VALUES (1, 'id-1', 'from v1', '9a0364b9e99bb480dd25e1f0284c8555', ?, 0, 'AIDA')",
    ).run(Date.now());
    db.close();
    const broker = await startTestBroker({ dataDir });
    try {
      const version = sqliteDb(broker).pragma('user_version', { simple: true });
      assert.equal(version, migrations.length);
      const url = await rawRequest(broker.url, jsonRequest('GetQueueUrl', '{"QueueName":"old"}'));
      const { QueueUrl } = JSON.parse(url.body) as { QueueUrl: string };
      const res = await rawRequest(broker.url, jsonRequest('ReceiveMessage', JSON.stringify({ QueueUrl })));
      assert.equal(res.status, 200, res.body);
      const { Messages } = JSON.parse(res.body) as { Messages: Array<{ Body: string }> };
      assert.equal(Messages?.[0]?.Body, 'from v1');
    } finally {
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
