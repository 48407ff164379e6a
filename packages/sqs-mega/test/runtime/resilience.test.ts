import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Listener } from 'sqs-mega';
import { createQueue, queueCounts, startTestBroker, waitFor } from 'sqs-mega-broker/testing';
import { publishAll } from './helpers.js';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('resilience', () => {
  test('a consumer killed with SIGKILL mid-batch loses nothing: a second consumer processes the rest', async () => {
    const broker = await startTestBroker();
    cleanups.push(() => broker.stop());
    const client = new SQSClient(broker.clientConfig);
    cleanups.push(() => client.destroy());
    const queue = await createQueue(client, 'killed');
    const ids = await publishAll(
      client,
      queue.url,
      Array.from({ length: 60 }, (_, i) => ({ i })),
    );
    const handled = new Set<string>();
    const script = fileURLToPath(new URL('./fixtures/consumer.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
      env: { ...process.env, CLIENT_CONFIG: JSON.stringify(broker.clientConfig), QUEUE_URL: queue.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let firstCount = 0;
    child.stdout.setEncoding('utf8');
    let buffer = '';
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines)
        if (line.startsWith('handled ')) {
          handled.add(line.slice(8));
          firstCount++;
        }
    });
    await waitFor(() => firstCount >= 15, { timeoutMs: 10_000, message: 'the child handled 15 messages' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    assert.ok(handled.size < ids.length, 'killed mid-way');
    const second = new Listener({ client, queueUrl: queue.url, waitTimeSeconds: 1, concurrency: 10 });
    cleanups.push(() => second.stop());
    second.subscribe(undefined, (_p, ctx) => void handled.add(ctx.messageId)).start();
    await waitFor(() => handled.size === ids.length, { timeoutMs: 5000, message: 'every message handled' });
    await waitFor(async () => {
      const c = await queueCounts(client, queue.url);
      return c.visible + c.inFlight === 0;
    });
    assert.deepEqual([...handled].sort(), [...ids].sort());
  });

  test('the listener and the publisher ride out a broker restart and resume', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-restart-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let broker = await startTestBroker({ dataDir });
    const port = broker.port;
    const client = new SQSClient({ ...broker.clientConfig, maxAttempts: 1 });
    cleanups.push(() => client.destroy());
    const queue = await createQueue(client, 'restarting');
    const listener = new Listener({ client, queueUrl: queue.url, waitTimeSeconds: 1 });
    cleanups.push(() => listener.stop());
    const seen: unknown[] = [];
    listener.subscribe(undefined, (payload) => void seen.push(payload)).start();
    await publishAll(client, queue.url, [{ before: true }]);
    await waitFor(() => seen.length === 1);
    await broker.stop();
    await waitFor(() => listener.stats.error >= 1, { message: 'receive failures reported' });
    broker = await startTestBroker({ dataDir, port });
    cleanups.push(() => broker.stop());
    await publishAll(client, queue.url, [{ after: true }]);
    await waitFor(() => seen.length === 2, { timeoutMs: 10_000 });
    assert.deepEqual(seen, [{ before: true }, { after: true }]);
  });
});
