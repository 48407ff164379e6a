import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startBrokerProcess } from './support/broker-process.js';
import { Ledger } from './support/ledger.js';
import { sqsAt as clientFor, consume, produce } from './support/load.js';

describe('durability', () => {
  it('a broker killed with SIGKILL during concurrent sends and deletes loses no acknowledged send and resurrects no acknowledged delete', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-crash-'));
    const ledger = new Ledger();
    let broker = await startBrokerProcess(dataDir);
    let client = clientFor(broker.url);
    try {
      const { QueueUrl } = await client.call('CreateQueue', {
        QueueName: 'crash',
        Attributes: { VisibilityTimeout: '60' },
      });
      let running = true;
      const current = () => client;
      const workers = [
        ...[0, 1, 2, 3].map((id) => produce(current, QueueUrl, ledger, `p${id}`, () => running)),
        ...[0, 1].map(() => consume(current, QueueUrl, ledger, () => running)),
      ];
      await new Promise((r) => setTimeout(r, 1_500));
      const beforeKill = { sends: ledger.ackedSends.size, deletes: ledger.ackedDeletes.size };
      await broker.kill9();
      broker = await startBrokerProcess(dataDir);
      client.destroy();
      client = clientFor(broker.url);
      await new Promise((r) => setTimeout(r, 700));
      running = false;
      await Promise.all(workers);
      assert.equal(await broker.stop(), 0, 'clean exit on SIGTERM');

      const stored = Ledger.storedBodies(dataDir, 'crash');
      assert.ok(beforeKill.sends > 100, `load before the kill: ${beforeKill.sends} sends acknowledged`);
      assert.ok(beforeKill.deletes > 10, `load before the kill: ${beforeKill.deletes} deletes acknowledged`);
      assert.deepEqual(ledger.lost(stored), [], 'acknowledged sends lost');
      assert.deepEqual(ledger.resurrected(stored), [], 'acknowledged deletes resurrected');
    } finally {
      client.destroy();
      if (broker.child.exitCode === null) await broker.kill9();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('SQLite keeps the data across a clean restart, and SIGTERM exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-restart-'));
    try {
      let broker = await startBrokerProcess(dataDir);
      let client = clientFor(broker.url);
      const { QueueUrl } = await client.call('CreateQueue', {
        QueueName: 'kept',
        Attributes: { DelaySeconds: '0' },
      });
      await client.call('SendMessage', { QueueUrl, MessageBody: 'survives' });
      assert.equal(await broker.stop(), 0);
      client.destroy();
      broker = await startBrokerProcess(dataDir);
      client = clientFor(broker.url);
      const url = (await client.call('GetQueueUrl', { QueueName: 'kept' })).QueueUrl;
      const { Messages } = await client.call('ReceiveMessage', { QueueUrl: url });
      assert.equal(Messages?.[0]?.Body, 'survives');
      client.destroy();
      assert.equal(await broker.stop(), 0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
