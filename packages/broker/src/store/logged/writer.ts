import { extname } from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { DatabaseOptions } from '../options.js';
import type { JournalPosition } from './journal.js';
import type { Records } from './ops.js';
import type { ToMain, ToWriter } from './protocol.js';

/**
 * The main thread's end of the log writer (`worker.ts`, a worker thread that owns the SQLite
 * connection): sends batches of log records, hears their acknowledgements and failures.
 */
export class LogWriter {
  /** Every batch up to `id` is applied to SQLite. */
  onAck: (id: number) => void = () => {};
  /** SQLite could not apply the batches not yet acknowledged: the writer holds them and retries. */
  onFail: (cause: Error & { code?: string }) => void = () => {};
  /** The duration of each COMMIT, in seconds. */
  onCommitTime: ((seconds: number) => void) | undefined;
  /** The writer stopped on its own (it crashed): nothing more will be committed. */
  onStopped: (error: Error) => void = () => {};
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private nextId = 1;
  /** The last batch sent and the last acknowledged: while one is not, the port keeps the process up. */
  private lastSent = 0;
  private lastAcked = 0;
  private readonly limits = new Map<number, () => void>();
  private closing: Promise<JournalPosition | undefined> | undefined;
  private onClosed: ((applied: JournalPosition | undefined) => void) | undefined;

  constructor(options: DatabaseOptions) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = startWorker({ options: databaseOptions(options), port: port2 }, port2);
    this.worker.unref();
    this.port.unref();
    this.port.on('message', (m: ToMain) => this.received(m));
    this.worker.on('error', (error) => this.stop(error));
    this.worker.on('exit', (code) => this.stop(new Error(`the log writer exited (code ${code})`)));
  }

  /**
   * Sends one window of log records, which reach the journal up to `to`: `records`, or the payloads of
   * its journal frames (transferred); returns its id (ids increase by one).
   */
  send(records: Records, frames: ArrayBuffer[], to: JournalPosition): number {
    const id = this.nextId++;
    this.lastSent = id;
    this.post({ t: 'batch', id, records, frames, to }, frames);
    return id;
  }

  /** Caps the database file at `bytes` (see `setMaxDatabaseBytes`); resolves once applied. */
  limit(bytes: number): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.limits.set(id, resolve);
      this.post({ t: 'limit', id, bytes });
    });
  }

  /**
   * Applies what was sent, stops the writer and closes the database; resolves with the journal
   * position SQLite holds everything up to (undefined if it could not apply it all).
   */
  close(): Promise<JournalPosition | undefined> {
    this.closing ??= new Promise<JournalPosition | undefined>((resolve) => {
      this.onClosed = resolve;
      this.post({ t: 'close' });
    });
    return this.closing;
  }

  private post(message: ToWriter, transfer: ArrayBuffer[] = []): void {
    this.port.ref(); // an answer is due: keep the process up until it comes
    this.port.postMessage(message, transfer);
  }

  /** Lets the process exit once no answer is due. */
  private settle(): void {
    if (this.lastAcked >= this.lastSent && this.limits.size === 0 && !this.closing) this.port.unref();
  }

  private received(m: ToMain): void {
    switch (m.t) {
      case 'ack':
        // one acknowledgement answers every batch up to its id
        this.lastAcked = m.id;
        this.onCommitTime?.(m.seconds);
        this.onAck(m.id);
        break;
      case 'fail':
        this.onFail(Object.assign(new Error(m.message), { code: m.code }));
        break;
      case 'limited':
        this.limits.get(m.id)?.();
        this.limits.delete(m.id);
        break;
      case 'closed':
        this.onClosed?.(m.applied);
        break;
      case 'ready':
        return;
    }
    this.settle();
  }

  private stop(error: Error): void {
    if (this.closing) {
      // the worker's last answer ('closed') may still be on the port when its exit is heard first
      for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
        this.received(m.message as ToMain);
      }
      this.onClosed?.(undefined);
      return;
    }
    this.onStopped(error);
  }
}

/** The fields of `options` the writer needs (the broker passes its whole options object). */
function databaseOptions(options: DatabaseOptions): DatabaseOptions {
  const { dataDir, fsync, maxDatabaseBytes } = options;
  return { dataDir, fsync, maxDatabaseBytes };
}

/**
 * Starts `worker.js` beside this file. Run from the TypeScript sources (the tests, the benches), the
 * worker registers tsx first: Node 20 workers do not inherit the main thread's `--import tsx` loader.
 */
function startWorker(workerData: unknown, port: MessagePort): Worker {
  const ext = extname(new URL(import.meta.url).pathname);
  const entry = new URL(`./worker${ext}`, import.meta.url);
  if (ext !== '.ts') return new Worker(entry, { workerData, transferList: [port] });
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(source, { eval: true, workerData, transferList: [port] });
}
