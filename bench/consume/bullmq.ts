// BullMQ on the machine's Redis (127.0.0.1:6379), run the way bench/consume.ts runs the Listener:
// end to end (add → processed) with a no-op processor, and add → processor latency one job at a time.
import { Queue, Worker } from 'bullmq';

const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

/** Jobs/s end to end: `count` jobs added (addBulk of 500) while a Worker at `concurrency` processes them. */
export async function runBull(
  name: string,
  count: number,
  concurrency: number,
  payload: object,
): Promise<number> {
  const queue = new Queue(name, { connection });
  await queue.obliterate({ force: true });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const worker = new Worker(name, async () => {}, { connection, concurrency, autorun: false });
  worker.on('completed', () => {
    if (++done === count) finish();
  });
  const started = performance.now();
  void worker.run();
  for (let sent = 0; sent < count; sent += 500) {
    const n = Math.min(500, count - sent);
    await queue.addBulk(
      Array.from({ length: n }, (_, i) => ({
        name: 'bench',
        data: { ...payload, i: sent + i },
        opts: { removeOnComplete: true },
      })),
    );
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return count / seconds;
}

/** Add → processor latency on an idle system, one job at a time (Worker concurrency 10); sorted ms. */
export async function bullLatency(name: string, samples: number): Promise<number[]> {
  const queue = new Queue(name, { connection });
  await queue.obliterate({ force: true });
  let arrived!: (ms: number) => void;
  const worker = new Worker(
    name,
    async (job) => {
      arrived(performance.now() - (job.data as { t: number }).t);
    },
    { connection, concurrency: 10 },
  );
  await worker.waitUntilReady();
  const out: number[] = [];
  for (let i = 0; i < samples + 50; i++) {
    const got = new Promise<number>((resolve) => {
      arrived = resolve;
    });
    await queue.add('bench', { t: performance.now() }, { removeOnComplete: true });
    const ms = await got;
    if (i >= 50) out.push(ms); // the first 50 warm up connections and the JIT
    await new Promise((r) => setTimeout(r, 2));
  }
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return out.sort((a, b) => a - b);
}
