/**
 * The logged engine's log writer, a worker thread: it owns the SQLite connection and applies the
 * batches the main thread posts, as many as have arrived in one transaction (group commit), then
 * acknowledges the last one. After a failed transaction it drops every batch until the main thread,
 * having undone them, says `resume`.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type DatabaseOptions, openDatabase, setMaxDatabaseBytes } from '../database.js';
import { LogApplier } from './apply.js';
import type { ToMain, ToWriter } from './protocol.js';

/** How often the WAL is checkpointed (PASSIVE: never waiting for a reader). */
const CHECKPOINT_MS = 200;

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
let failed = false;

function send(message: ToMain): void {
  port.postMessage(message);
}

function handle(first: ToWriter): void {
  const ops: unknown[] = [];
  let last = -1;
  for (let m: ToWriter | undefined = first; m !== undefined; m = next()) {
    if (m.t === 'resume') {
      failed = false;
      continue;
    }
    if (m.t === 'limit') {
      setMaxDatabaseBytes(db, m.bytes);
      send({ t: 'limited', id: m.id });
      continue;
    }
    if (m.t === 'close') {
      commit(ops, last);
      ops.length = 0;
      last = -1;
      clearInterval(checkpoints);
      db.close();
      send({ t: 'closed' });
      port.close();
      return;
    }
    if (failed) continue;
    for (const op of m.ops) ops.push(op);
    last = m.id;
  }
  commit(ops, last);
}

/** The next message already waiting, if any (read synchronously, to group them). */
function next(): ToWriter | undefined {
  return (receiveMessageOnPort(port)?.message as ToWriter | undefined) ?? undefined;
}

function commit(ops: unknown[], last: number): void {
  if (last < 0) return;
  const start = performance.now();
  try {
    applier.apply(ops);
  } catch (error) {
    failed = true;
    const e = error as { code?: unknown; message?: unknown };
    send({
      t: 'fail',
      id: last,
      code: typeof e.code === 'string' ? e.code : undefined,
      message: String(e.message ?? error),
    });
    return;
  }
  send({ t: 'ack', id: last, seconds: (performance.now() - start) / 1000 });
}

port.on('message', handle);
send({ t: 'ready' });
