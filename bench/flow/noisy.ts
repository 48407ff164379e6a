// Noisy tenant: QUIET tenants publish at a steady pace, one noisy tenant at 20× it, all limited by
// rateLimit per tenant. The quiet tenants' publish→handler latency with and without the noisy one.
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Listener } from 'sqs-mega';
import { rateLimit } from 'sqs-mega/flow';
import type { ClientConfig } from '../consume/runners.js';

export interface NoisyFigures {
  /** Quiet tenants' latencies, ms, sorted. */
  quiet: number[];
  noisyHandled: number;
  noisySent: number;
  deferred: number;
  deadLettered: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One run of `seconds`: quiet tenants at `perTick` messages per 100 ms tick, the noisy one at 20× when `noisy`. */
export async function noisyRun(
  config: ClientConfig,
  name: string,
  options: { noisy: boolean; quietTenants: number; seconds: number; rate: number; limit?: boolean },
): Promise<NoisyFigures> {
  const client = new SQSClient(config);
  const create = async (q: string) =>
    (await client.send(new CreateQueueCommand({ QueueName: q }))).QueueUrl ?? '';
  const queueUrl = await create(name);
  const delayedQueueUrl = await create(`${name}-delayed`);
  const listener = new Listener({
    client,
    queueUrl,
    waitTimeSeconds: 1,
    concurrency: 20,
    deferral: { delayedQueueUrl },
    middleware:
      options.limit === false ? [] : [rateLimit({ key: 'tenant', rate: options.rate, burst: options.rate })],
  });
  const quiet: number[] = [];
  let noisyHandled = 0;
  listener
    .subscribe(undefined, async (p) => {
      const { tenant, sentAt } = p as { tenant: string; sentAt: number };
      await sleep(2); // a little work
      if (tenant === 'noisy') noisyHandled++;
      else quiet.push(Date.now() - sentAt);
    })
    .start();
  // Each quiet tenant: 1 message per 100 ms tick (10/s, under the limit); the noisy one 20 per tick.
  const ticks = options.seconds * 10;
  let noisySent = 0;
  const sends: Promise<unknown>[] = [];
  const batch = (tenant: string, n: number) => {
    for (let i = 0; i < n; i += 10) {
      const entries = Array.from({ length: Math.min(10, n - i) }, (_, j) => ({
        Id: String(j),
        MessageBody: JSON.stringify({ tenant, sentAt: Date.now() }),
      }));
      sends.push(client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
    }
  };
  const start = Date.now();
  for (let t = 0; t < ticks; t++) {
    for (let q = 0; q < options.quietTenants; q++) batch(`quiet-${q}`, 1);
    if (options.noisy) {
      batch('noisy', 20);
      noisySent += 20;
    }
    await sleep(Math.max(0, start + (t + 1) * 100 - Date.now()));
  }
  await Promise.all(sends);
  const expected = ticks * options.quietTenants;
  const until = Date.now() + 30_000;
  while (quiet.length < expected && Date.now() < until) await sleep(50);
  const stats = listener.stats;
  await listener.stop({ abort: true });
  client.destroy();
  return {
    quiet: quiet.sort((a, b) => a - b),
    noisyHandled,
    noisySent,
    deferred: stats.deferred,
    deadLettered: stats['dead-lettered'],
  };
}

/** The q-quantile of sorted values. */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
