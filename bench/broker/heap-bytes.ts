// What one stored message costs the heap engine, in JS heap and RSS: N messages of 1 KiB (distinct
// bodies, as a real backlog has) inserted into one queue of an in-process HeapStore.
// With --index-only every message shares one body string: what the heap would still cost per message
// if bodies lived outside the JS heap (the write-ahead-log design of issue 19, bodies read from SQLite
// by seq on receive), i.e. the index fields alone.
// Run: node --expose-gc --conditions=source --import tsx bench/broker/heap-bytes.ts [N] [--index-only]   (default 200000)
import { HeapStore } from '../../packages/broker/src/store/heap/index.js';

const args = process.argv.slice(2);
const indexOnly = args.includes('--index-only');
const n = Number(args.find((a) => !a.startsWith('--')) ?? 200_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const store = new HeapStore();
const q = await store.write(() =>
  store.queues.insert({
    region: 'us-east-1',
    name: 'q',
    fifo: 0,
    attributes: '{}',
    tags: '{}',
    created_at: 0,
    modified_at: 0,
  }),
);
gc();
const before = process.memoryUsage();
const pad = 'x'.repeat(1000);
for (let i = 0; i < n; i += 10) {
  await store.write(() => {
    for (let j = i; j < i + 10; j++) {
      store.messages.insert({
        queue_id: q,
        message_id: crypto.randomUUID(),
        // a flat string, as JSON.parse gives (a template literal would share `pad`)
        body: indexOnly ? pad : JSON.parse(JSON.stringify(`${j.toString().padStart(24, '0')}${pad}`)),
        attributes: null,
        md5_body: '0123456789abcdef0123456789abcdef',
        md5_attributes: null,
        sent_at: 1,
        visible_at: 1,
        sender_id: 'AIDAIT2UOQQY3AUEKVGXU',
        trace_header: null,
        group_id: null,
        dedup_id: null,
        sequence_number: null,
        dead_letter_source_arn: null,
      });
    }
  });
}
gc();
const after = process.memoryUsage();
const per = (k: 'heapUsed' | 'rss') => ((after[k] - before[k]) / n).toFixed(0);
console.log(
  `${n.toLocaleString('en')} messages of 1 KiB${indexOnly ? ' (one shared body: the index fields alone)' : ''}: ${per('heapUsed')} bytes of JS heap and ${per('rss')} of RSS each ` +
    `(RSS ${(after.rss / 2 ** 20).toFixed(0)} MB)`,
);
