/**
 * The logged engine's log writer, a worker thread: it owns the SQLite connection and applies the
 * windows of journaled records the main thread posts (`commits.ts`), as many as have arrived in one
 * transaction, then acknowledges the last one. What it cannot apply (a full database) it keeps and
 * retries with what follows: it is in the journal already, and answered.
 */

import { deserialize } from 'node:v8';
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type DatabaseOptions, openDatabase, setMaxDatabaseBytes } from '../database.js';
import { LogApplier } from './apply.js';
import type { JournalPosition } from './journal.js';
import type { Records } from './ops.js';
import type { ToMain, ToWriter } from './protocol.js';

/** How often the WAL is checkpointed (PASSIVE: never waiting for a reader). */
const CHECKPOINT_MS = 1000;
/** How often a window SQLite could not apply is retried, in ms (and on every message). */
const RETRY_MS = 1000;

const { options, port } = workerData as { options: DatabaseOptions; port: MessagePort };
const db = openDatabase(options);
// WAL checkpoints from this thread between batches: it is off the request path already (the SQLite
// engine runs them on a thread of their own for that reason), and one thread less is ~10 MB of RSS
db.pragma('wal_autocheckpoint = 0');
db.pragma('journal_size_limit = 67108864');
const checkpoints = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy: next time
  }
}, CHECKPOINT_MS);
const applier = new LogApplier(db);
/**
 * What the main thread sent and SQLite has not applied yet: between messages, something only while
 * SQLite fails to apply it (then retried with every message, and every second); `heldId` -1 when none.
 */
let held: Array<readonly unknown[]> = [];
let heldTo: JournalPosition | undefined;
let heldId = -1;
const retries = setInterval(() => {
  if (heldId >= 0) apply();
}, RETRY_MS);

function send(message: ToMain): void {
  port.postMessage(message);
}

function handle(first: ToWriter): void {
  for (let m: ToWriter | undefined = first; m !== undefined; m = next()) {
    if (m.t === 'limit') {
      setMaxDatabaseBytes(db, m.bytes);
      apply();
      send({ t: 'limited', id: m.id });
      continue;
    }
    if (m.t === 'close') {
      apply();
      clearInterval(checkpoints);
      clearInterval(retries);
      db.close();
      send({ t: 'closed', applied: heldId >= 0 ? undefined : heldTo });
      port.close();
      return;
    }
    for (const chunk of m.records) held.push(chunk);
    for (const frame of m.frames)
      for (const chunk of deserialize(new Uint8Array(frame)) as Records) held.push(chunk);
    heldTo = m.to;
    heldId = m.id;
  }
  apply();
}

/** The next message already waiting, if any (read synchronously, to group them). */
function next(): ToWriter | undefined {
  return (receiveMessageOnPort(port)?.message as ToWriter | undefined) ?? undefined;
}

/** Applies what is held in one transaction; on failure keeps it, to retry. */
function apply(): void {
  if (heldId < 0 || heldTo === undefined) return;
  const start = performance.now();
  try {
    applier.apply(held, heldTo);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    send({
      t: 'fail',
      code: typeof e.code === 'string' ? e.code : undefined,
      message: String(e.message ?? error),
    });
    return;
  }
  send({ t: 'ack', id: heldId, seconds: (performance.now() - start) / 1000 });
  held = [];
  heldId = -1;
}

port.on('message', handle);
send({ t: 'ready' });
