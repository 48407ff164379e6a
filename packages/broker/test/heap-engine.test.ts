// The heap engine's compact message encoding: what it packs (times as offsets from an epoch, id and
// MD5 in one string, rare and delivery fields in optional objects, the chunked seq index, the
// per-queue list) must give back every row exactly, whatever the values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeapStore } from '../src/store/heap/index.js';
import { Msg } from '../src/store/heap/queue-state.js';
import { SeqIndex } from '../src/store/heap/seq-index.js';
import type { MessageRow, NewMessage } from '../src/store/index.js';
import { newMessage, queueRow } from './support/rows.js';

function message(queueId: number, extra: Partial<NewMessage> = {}): NewMessage {
  return newMessage(queueId, 'hello', Date.now(), {
    message_id: crypto.randomUUID(),
    md5_body: '5d41402abc4b2a76b9719d911017c592',
    sender_id: '000000000000',
    ...extra,
  });
}

async function openQueue(fifo = false): Promise<{ store: HeapStore; q: number }> {
  const store = new HeapStore();
  const q = await store.write(() => store.queues.insert(queueRow(fifo ? 'q.fifo' : 'q', fifo)));
  return { store, q };
}

const TIMES = [0, 1, -1, 5.5, Date.now() + 0.25, Date.now() + 43_200_000, 2 ** 40, 8.64e15, -8.64e15];

describe('heap engine: compact messages', () => {
  it('gives back every field of the row it was given, for any time and any MD5 length', () => {
    const rare: Partial<NewMessage> = {
      attributes: '{"a":{"DataType":"String","StringValue":"x"}}',
      md5_attributes: '0123456789abcdef0123456789abcdef',
      trace_header: 'Root=1-5759e988-bd862e3fe1be46a994272793',
      group_id: 'g',
      dedup_id: 'd',
      sequence_number: '10000000000000000001',
      dead_letter_source_arn: 'arn:aws:sqs:us-east-1:000000000000:src',
    };
    const cases: Array<Partial<NewMessage>> = [
      {},
      rare,
      { md5_body: 'md5' },
      { md5_body: '' },
      { ...rare, md5_body: 'x'.repeat(40) },
      { message_id: '', md5_body: 'm' },
      { message_id: 'é-ü-ids', body: 'ünïcødé ✓' },
      ...TIMES.map((t) => ({ sent_at: t, visible_at: t })),
    ];
    for (const [i, extra] of cases.entries()) {
      const given = message(1, extra);
      const row = new Msg(i + 1, given).row();
      const expected: MessageRow = {
        ...given,
        seq: i + 1,
        receive_count: 0,
        first_received_at: null,
        received_at: null,
        receipt: null,
      };
      assert.deepEqual(row, expected, `case ${i}: ${JSON.stringify(extra)}`);
      for (const k of Object.keys(expected) as Array<keyof MessageRow>) {
        assert.ok(Object.is(row[k], expected[k]), `case ${i}, ${k}: ${String(row[k])}`);
      }
    }
  });

  it('keeps the delivery fields exactly, and a rolled-back receive leaves none', async () => {
    const { store, q } = await openQueue();
    const seq = await store.write(() => store.messages.insert(message(q)));
    for (const t of TIMES) {
      await store.write(() => store.messages.markReceived(seq, t, t + 1, `tok ${t}`));
      const row = store.messages.get(q, seq);
      assert.equal(row?.received_at, t);
      assert.equal(row?.visible_at, t + 1);
      assert.equal(row?.receipt, `tok ${t}`);
    }
    const row = store.messages.get(q, seq);
    assert.equal(row?.receive_count, TIMES.length);
    assert.equal(row?.first_received_at, TIMES[0]);

    const fresh = await store.write(() => store.messages.insert(message(q)));
    const before = store.messages.get(q, fresh);
    await assert.rejects(
      store.write(() => {
        store.messages.markReceived(fresh, 7, 8, 'tok');
        throw new Error('boom');
      }),
    );
    assert.deepEqual(store.messages.get(q, fresh), before);
    assert.equal(store.messages.get(q, fresh)?.receive_count, 0);
  });

  it('finds messages by seq across chunks, and nothing for seqs no message has', async () => {
    const { store, q } = await openQueue();
    const seqs = await store.write(() =>
      Array.from({ length: 600 }, () => store.messages.insert(message(q))),
    );
    for (const seq of seqs) assert.equal(store.messages.get(q, seq)?.seq, seq);
    for (const odd of [
      0,
      -1,
      -128,
      1.5,
      127.5,
      Number.NaN,
      Infinity,
      -Infinity,
      2 ** 53,
      2 ** 60,
      601,
      1e9,
    ]) {
      assert.equal(store.messages.get(q, odd), undefined, String(odd));
    }
    // delete every other one, then whole chunks
    await store.write(() => {
      for (const seq of seqs) if (seq % 2 === 0 || seq > 300) store.messages.delete(seq);
    });
    for (const seq of seqs) {
      assert.equal(
        store.messages.get(q, seq)?.seq,
        seq % 2 === 1 && seq <= 300 ? seq : undefined,
        String(seq),
      );
    }
    assert.deepEqual(store.messages.counts(q, Date.now() + 1, 0), { visible: 150, inFlight: 0, delayed: 0 });
  });

  it('a seq index holds each seq once, and drops a chunk when it empties', () => {
    const index = new SeqIndex();
    const a = new Msg(130, message(1));
    index.set(130, a);
    index.set(130, a);
    assert.equal(index.get(130), a);
    assert.equal(index.has(130), true);
    assert.equal(index.has(129), false);
    assert.equal(index.chunkCount, 1);
    index.delete(130);
    assert.equal(index.get(130), undefined);
    assert.equal(index.chunkCount, 0);
    index.delete(130);
    const b = new Msg(131, message(1));
    const c = new Msg(256, message(1));
    index.set(131, b);
    index.set(256, c);
    assert.equal(index.get(131), b);
    assert.equal(index.get(130), undefined);
    assert.equal(index.chunkCount, 2);
    index.delete(131);
    assert.equal(index.chunkCount, 1);
    assert.equal(index.get(256), c);
  });

  it('lists a queue in insertion order: a rolled-back delete comes back last, a reap empties it', async () => {
    const { store, q } = await openQueue();
    const seqs = await store.write(() => Array.from({ length: 5 }, () => store.messages.insert(message(q))));
    const page = () => store.moveTasks.page(q, 0, 1e9, 100).map((r) => r.seq);
    assert.deepEqual(page(), seqs);
    await assert.rejects(
      store.write(() => {
        store.messages.delete(seqs[1] as number);
        throw new Error('boom');
      }),
    );
    assert.equal(store.messages.get(q, seqs[1] as number)?.seq, seqs[1]);
    assert.deepEqual(
      store.peek.messages(q, 0, 10).map((r) => r.seq),
      [seqs[0], seqs[2], seqs[3], seqs[4], seqs[1]],
    );
    assert.deepEqual(page(), seqs);
    assert.equal(store.messages.oldestSentAt(q), store.messages.get(q, seqs[0] as number)?.sent_at);
    assert.equal(await store.write(() => store.messages.reap(q, 3)), 3);
    assert.equal(await store.write(() => store.messages.reap(q, 10)), 2);
    assert.equal(store.messages.oldestSentAt(q), undefined);
    for (const seq of seqs) assert.equal(store.messages.get(q, seq), undefined);
  });

  it('takes back a batch insert whole when its write fails, a message that failed half-way included', async () => {
    const { store, q } = await openQueue();
    const kept = await store.write(() => store.messages.insert(message(q)));
    await assert.rejects(
      store.write(() => {
        store.messages.insertMany([message(q), message(q), message(q)]);
        throw new Error('boom');
      }),
      /boom/,
    );
    // the third message names a queue the store does not have: the first two go back with the write
    await assert.rejects(
      store.write(() => store.messages.insertMany([message(q), message(q), message(q + 99)])),
      /no queue/,
    );
    assert.deepEqual(
      store.messages.ready(q, Date.now() + 1, 0, 10).map((r) => r.seq),
      [kept],
    );
    for (let seq = kept + 1; seq <= kept + 6; seq++) assert.equal(store.data.bySeq.get(seq), undefined);
    const seqs = await store.write(() => {
      store.messages.insertMany([message(q), message(q)]);
      return store.messages.ready(q, Date.now() + 1, 0, 10).map((r) => r.seq);
    });
    assert.equal(seqs.length, 3);
  });
});
