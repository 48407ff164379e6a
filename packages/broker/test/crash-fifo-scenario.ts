// The FIFO crash scenario, shared by crash-fifo.test.ts (50 groups × 40) and bench/fifo-crash.ts (the
// issue's full 50 × 200): producers send every group's messages in order, with deduplication ids, some
// batches deliberately sent twice and every failed batch retried with the same ids; consumers with a
// 1 s visibility timeout sometimes forget a delete or are too slow for it; the broker process is killed
// with SIGKILL mid-run and restarted on the same data directory. The report says what an auditor
// needs: order violations within a group, duplicate deliveries of deduplicated sends, lost sends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type BrokerProcess, startBrokerProcess } from './support/broker-process.js';
import { type Protocol, type Sqs, sqsClient } from './support/clients.js';

export interface FifoCrashOptions {
  groups: number;
  perGroup: number;
  consumers: number;
  producers?: number;
  /** Kill the broker once this share of the messages was processed (default 0.4). */
  killAt?: number;
  /** Give up after this many ms (default 60 s). */
  timeoutMs?: number;
}

export interface FifoCrashReport {
  messages: number;
  groups: number;
  consumers: number;
  ackedSends: number;
  /** Batches sent a second time on purpose, and batches retried after an error. */
  duplicatedBatches: number;
  retriedBatches: number;
  /** Sends answered with another message's id (a deduplicated send not recognised as such). */
  dedupMismatches: number;
  deliveries: number;
  redeliveries: number;
  forgottenDeletes: number;
  slowDeletes: number;
  processedBeforeKill: number;
  orderViolations: string[];
  /** Bodies delivered under more than one MessageId, or stored more than once. */
  duplicates: string[];
  lost: string[];
  restartMs: number;
  elapsedMs: number;
}

const QUEUE = 'crash-orders.fifo';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function clientFor(url: string, protocol: Protocol): Sqs {
  const config = {
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  };
  return sqsClient({ clientConfig: config } as never, protocol);
}

/** Bodies stored more than once in the queue (read straight from the database file). */
function storedTwice(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'broker.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT m.body FROM messages m JOIN queues q ON q.id = m.queue_id WHERE q.name = ?
         GROUP BY m.body HAVING count(*) > 1`,
      )
      .all(QUEUE) as Array<{ body: string }>;
    return rows.map((r) => r.body);
  } finally {
    db.close();
  }
}

export async function runFifoCrash(options: FifoCrashOptions): Promise<FifoCrashReport> {
  const { groups, perGroup, consumers } = options;
  const producers = options.producers ?? 10;
  const total = groups * perGroup;
  const rand = Math.random;
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'mega-crash-fifo-'));
  let broker: BrokerProcess = await startBrokerProcess(dataDir);
  const clients = new Map<Protocol, Sqs>();
  const client = (protocol: Protocol = 'json') => {
    let c = clients.get(protocol);
    if (!c) {
      c = clientFor(broker.url, protocol);
      clients.set(protocol, c);
    }
    return c;
  };
  const report: FifoCrashReport = {
    messages: total,
    groups,
    consumers,
    ackedSends: 0,
    duplicatedBatches: 0,
    retriedBatches: 0,
    dedupMismatches: 0,
    deliveries: 0,
    redeliveries: 0,
    forgottenDeletes: 0,
    slowDeletes: 0,
    processedBeforeKill: 0,
    orderViolations: [],
    duplicates: [],
    lost: [],
    restartMs: 0,
    elapsedMs: 0,
  };
  const acked = new Map<string, string>(); // body → MessageId the broker answered
  const idsByBody = new Map<string, Set<string>>();
  const firstSeen: number[][] = Array.from({ length: groups }, () => []);
  let processed = 0;
  let producing = true;
  let consuming = true;
  try {
    const { QueueUrl } = await client().call('CreateQueue', {
      QueueName: QUEUE,
      Attributes: { FifoQueue: 'true', VisibilityTimeout: '1' },
    });

    /** Sends one batch until the broker acknowledges it (same deduplication ids on every retry). */
    const sendBatch = async (entries: Array<Record<string, string>>) => {
      for (;;) {
        try {
          const result = await client().call('SendMessageBatch', { QueueUrl, Entries: entries });
          if ((result.Failed ?? []).length === 0)
            return result.Successful as Array<{ Id: string; MessageId: string }>;
        } catch {
          // the broker is down or restarting
        }
        report.retriedBatches++;
        await sleep(50);
      }
    };
    const producer = async (id: number) => {
      const mine = Array.from({ length: groups }, (_, g) => g).filter((g) => g % producers === id);
      const next = new Map(mine.map((g) => [g, 0]));
      while (next.size > 0) {
        for (const [g, from] of next) {
          const entries = Array.from({ length: Math.min(10, perGroup - from) }, (_, k) => {
            const body = `g${g}:${from + k}`;
            return { Id: `e${k}`, MessageBody: body, MessageGroupId: `g${g}`, MessageDeduplicationId: body };
          });
          const copies = rand() < 0.2 ? 2 : 1;
          if (copies === 2) report.duplicatedBatches++;
          for (let c = 0; c < copies; c++) {
            for (const ok of await sendBatch(entries)) {
              const body = entries[Number(ok.Id.slice(1))]!.MessageBody as string;
              const before = acked.get(body);
              if (before !== undefined && before !== ok.MessageId) report.dedupMismatches++;
              acked.set(body, ok.MessageId);
            }
          }
          if (from + entries.length >= perGroup) next.delete(g);
          else next.set(g, from + entries.length);
        }
      }
    };
    const consumer = async (protocol: Protocol) => {
      while (consuming) {
        let messages: Array<{ Body: string; MessageId: string; ReceiptHandle: string }> = [];
        try {
          messages =
            (
              await client(protocol).call('ReceiveMessage', {
                QueueUrl,
                MaxNumberOfMessages: 10,
                WaitTimeSeconds: 1,
                VisibilityTimeout: 1,
              })
            ).Messages ?? [];
        } catch {
          await sleep(50);
          continue;
        }
        const toDelete: Array<{ Id: string; ReceiptHandle: string }> = [];
        for (const [i, m] of messages.entries()) {
          report.deliveries++;
          const [g, n] = m.Body.slice(1).split(':').map(Number) as [number, number];
          const ids = idsByBody.get(m.Body) ?? new Set<string>();
          if (ids.size === 0) {
            idsByBody.set(m.Body, ids);
            firstSeen[g]!.push(n);
            processed++;
          } else report.redeliveries++;
          ids.add(m.MessageId);
          if (rand() < 0.05) report.forgottenDeletes++;
          else toDelete.push({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle });
        }
        if (toDelete.length === 0) continue;
        if (rand() < 0.02) {
          report.slowDeletes++;
          await sleep(1_200); // past the visibility timeout: the receipts may be stale by now
        }
        try {
          await client(protocol).call('DeleteMessageBatch', { QueueUrl, Entries: toDelete });
        } catch {
          // lost with the broker: the messages come back after their visibility timeout
        }
      }
    };

    const producing$ = Promise.all(Array.from({ length: producers }, (_, id) => producer(id))).then(() => {
      producing = false;
    });
    const consuming$ = Promise.all(
      Array.from({ length: consumers }, (_, i) => consumer(i % 2 === 0 ? 'json' : 'query')),
    );
    const deadline = started + (options.timeoutMs ?? 60_000);
    while (processed < total * (options.killAt ?? 0.4) && Date.now() < deadline) await sleep(10);
    report.processedBeforeKill = processed;
    const killed = Date.now();
    await broker.kill9();
    broker = await startBrokerProcess(dataDir);
    for (const c of clients.values()) c.destroy();
    clients.clear();
    report.restartMs = Date.now() - killed;
    report.duplicates.push(...storedTwice(dataDir));
    while ((producing || processed < acked.size) && Date.now() < deadline) await sleep(20);
    consuming = false;
    await Promise.all([producing$, consuming$]);
    await broker.stop();
    report.duplicates.push(...storedTwice(dataDir));
  } finally {
    producing = false;
    consuming = false;
    for (const c of clients.values()) c.destroy();
    if (broker.child.exitCode === null) await broker.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  }
  report.ackedSends = acked.size;
  for (const [body, ids] of idsByBody) if (ids.size > 1) report.duplicates.push(body);
  report.lost = [...acked.keys()].filter((body) => !idsByBody.has(body));
  for (const [g, seen] of firstSeen.entries()) {
    for (let i = 1; i < seen.length; i++) {
      if (seen[i]! <= seen[i - 1]!) report.orderViolations.push(`g${g}: ${seen[i - 1]} then ${seen[i]}`);
    }
    if (seen.length > 0 && seen[0] !== 0) report.orderViolations.push(`g${g}: starts at ${seen[0]}`);
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

/** The report as a few lines, for the test log and the bench script. */
export function formatFifoCrash(r: FifoCrashReport): string {
  return [
    `FIFO crash run: ${r.messages} messages in ${r.groups} groups, ${r.consumers} consumers, SIGKILL after ${r.processedBeforeKill} processed (restart ${r.restartMs} ms)`,
    `  sends acknowledged ${r.ackedSends}; batches duplicated on purpose ${r.duplicatedBatches}, retried after errors ${r.retriedBatches}`,
    `  deliveries ${r.deliveries}, redeliveries ${r.redeliveries} (forgotten deletes ${r.forgottenDeletes}, slow deletes ${r.slowDeletes})`,
    `  order violations ${r.orderViolations.length}, duplicate deliveries ${r.duplicates.length}, dedup id mismatches ${r.dedupMismatches}, lost ${r.lost.length}`,
    `  time ${(r.elapsedMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
