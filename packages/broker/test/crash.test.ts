import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startBrokerProcess } from './support/broker-process.js';
import { sqsClient } from './support/clients.js';
import { Ledger } from './support/ledger.js';

type Client = ReturnType<typeof sqsClient>;

function clientFor(url: string): Client {
  return sqsClient(
    {
      clientConfig: {
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      },
    } as never,
    'json',
  );
}

/** Sends batches of unique bodies until `stop()`; records what was acknowledged. */
async function producer(
  client: () => Client,
  queueUrl: string,
  ledger: Ledger,
  id: number,
  running: () => boolean,
) {
  let n = 0;
  while (running()) {
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `p${id}-${n}-${i}` }));
    n++;
    try {
      const result = await client().call('SendMessageBatch', { QueueUrl: queueUrl, Entries: entries });
      for (const ok of result.Successful ?? [])
        ledger.ackedSends.add(entries[Number(ok.Id.slice(1))]!.MessageBody);
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Receives and deletes until `stop()`; records attempted and acknowledged deletes. */
async function consumer(client: () => Client, queueUrl: string, ledger: Ledger, running: () => boolean) {
  while (running()) {
    try {
      const { Messages = [] } = await client().call('ReceiveMessage', {
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      });
      if (Messages.length === 0) continue;
      const entries = Messages.map((m: { ReceiptHandle: string }, i: number) => ({
        Id: `d${i}`,
        ReceiptHandle: m.ReceiptHandle,
      }));
      for (const m of Messages) ledger.attemptedDeletes.add(m.Body);
      const result = await client().call('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: entries });
      for (const ok of result.Successful ?? [])
        ledger.ackedDeletes.add(Messages[Number(ok.Id.slice(1))].Body);
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

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
        ...[0, 1, 2, 3].map((id) => producer(current, QueueUrl, ledger, id, () => running)),
        ...[0, 1].map(() => consumer(current, QueueUrl, ledger, () => running)),
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
