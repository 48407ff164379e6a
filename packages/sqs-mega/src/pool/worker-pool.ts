import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { MegaError } from '../errors.js';
import { HandlerTimeoutError, RetriableError } from '../listen/errors.js';
import { type MessageContext, ProcessStatus } from '../listen/types.js';
import type { WorkerTask } from './task.js';

export type { WorkerFunction, WorkerTask } from './task.js';

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /**
   * The module the handlers run in: a path or `file:` URL of a JavaScript module (ESM or CommonJS)
   * whose exports are {@link WorkerFunction}s. Each worker thread loads it once.
   */
  filename: string | URL;
  /** Worker threads at most (default: 2; at least 1). */
  size?: number;
  /** Worker threads kept alive when idle (default: 1; at most `size`). */
  minSize?: number;
  /**
   * Per-job time limit, in milliseconds (default: 30,000), counted from when the job is handed to the
   * pool (so it includes a wait for a free thread when more jobs than `size` run at once, and a cold
   * thread's start-up). A job still running then is stopped for real: its worker thread is terminated
   * (and replaced), and the message is retried.
   */
  timeoutMs?: number;
  /** Heap limit of each worker, in MiB (default: Node's). A worker that exceeds it dies; its job is retried. */
  maxHeapMb?: number;
  /** Milliseconds an idle worker above `minSize` lives (default: 10,000). */
  idleTimeoutMs?: number;
}

/** A job's worker thread died (crash, `process.exit`, out of memory). Retriable: the message comes back. */
export class WorkerCrashError extends RetriableError {
  override name = 'WorkerCrashError';
}

/** The pool was closed: no new job starts. Retriable, so the message goes back to the queue. */
export class WorkerPoolClosedError extends RetriableError {
  override name = 'WorkerPoolClosedError';
}

const STATUSES = new Set<string>(Object.values(ProcessStatus));

/**
 * Runs handlers in worker threads (with piscina): for CPU-bound handlers, which would stall the
 * listener's event loop, and for untrusted ones, which must not take the process down. One bad job
 * costs one worker: a crash or an out-of-memory fails that message with a retry (a
 * {@link WorkerCrashError}), a job over `timeoutMs` has its thread terminated (a
 * {@link HandlerTimeoutError}), and the pool starts a fresh worker for the next job.
 *
 * The job receives the decoded payload and a {@link WorkerTask} (message id, receive count, attributes),
 * both copied with the structured clone algorithm; what it returns is a status (or nothing for done),
 * as from any handler.
 *
 * @example
 * ```ts fragment
 * const pool = new WorkerPool({ filename: new URL('./resize.js', import.meta.url), size: 4 });
 * listener.subscribe({ event: { name: 'image.uploaded' } }, pool.handler('resize'));
 * // on shutdown, after the listener stopped:
 * await pool.close();
 * ```
 */
export class WorkerPool {
  private readonly pool: Piscina;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: WorkerPoolOptions) {
    const size = options.size ?? 2;
    const minSize = options.minSize ?? 1;
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isInteger(size) || size < 1)
      throw new MegaError(`WorkerPool size must be an integer >= 1, got ${size}`);
    if (!Number.isInteger(minSize) || minSize < 0 || minSize > size) {
      throw new MegaError(`WorkerPool minSize must be an integer from 0 to size (${size}), got ${minSize}`);
    }
    if (!(timeoutMs > 0)) throw new MegaError(`WorkerPool timeoutMs must be > 0, got ${timeoutMs}`);
    if (options.maxHeapMb !== undefined && !(options.maxHeapMb >= 16)) {
      throw new MegaError(`WorkerPool maxHeapMb must be >= 16, got ${options.maxHeapMb}`);
    }
    const filename = options.filename instanceof URL ? fileURLToPath(options.filename) : options.filename;
    this.timeoutMs = timeoutMs;
    this.pool = new Piscina({
      filename,
      maxThreads: size,
      minThreads: minSize,
      idleTimeout: options.idleTimeoutMs ?? 10_000,
      // The listener bounds concurrency; every job beyond the threads waits here.
      maxQueue: Number.POSITIVE_INFINITY,
      ...(options.maxHeapMb === undefined
        ? {}
        : { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb } }),
    });
    // A worker that dies mid-job rejects that job; the pool's own 'error' is the same failure again.
    this.pool.on('error', () => {});
  }

  /**
   * A handler that runs the worker module's export `name` (default: its default export, or the
   * module itself when it exports one function) for each message.
   */
  handler<P = unknown>(
    name?: string,
  ): (payload: P, context: MessageContext) => Promise<ProcessStatus | undefined> {
    return async (payload, context) => {
      if (this.closed) throw new WorkerPoolClosedError('worker pool is closed');
      const task: WorkerTask<P> = {
        payload,
        messageId: context.messageId,
        receiveCount: context.receiveCount,
        subscriber: context.subscriber,
        attributes: context.attributes,
        systemAttributes: context.systemAttributes,
      };
      const controller = new AbortController();
      const forward = () => controller.abort(context.signal.reason);
      context.signal.addEventListener('abort', forward, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
      try {
        const result: unknown = await this.pool.run(task, {
          signal: controller.signal,
          ...(name === undefined ? {} : { name }),
        });
        return typeof result === 'string' && STATUSES.has(result) ? (result as ProcessStatus) : undefined;
      } catch (error) {
        if (timedOut) throw new HandlerTimeoutError(this.timeoutMs);
        if (controller.signal.aborted) throw context.signal.reason ?? error;
        throw classifyWorkerFailure(error);
      } finally {
        clearTimeout(timer);
        context.signal.removeEventListener('abort', forward);
      }
    };
  }

  /** Worker threads running now. */
  get threads(): number {
    return this.pool.threads.length;
  }

  /** Jobs completed since the pool started. */
  get completed(): number {
    return this.pool.completed;
  }

  /**
   * Stops the pool: jobs already running finish (up to `timeoutMs`), queued ones fail with a retry,
   * and the threads exit. Close it after the listener has stopped.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close({ force: true });
  }
}

/**
 * An error thrown by the job's own code reaches here as itself (cloned across the thread boundary,
 * so its class is lost: it is classified by its `name`); a dead worker as Node's worker errors.
 */
function classifyWorkerFailure(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new WorkerCrashError(`worker ran out of memory: ${message}`);
  if (/worker (?:exited|terminated)|Terminating worker thread/i.test(message)) {
    return new WorkerCrashError(`worker died: ${message}`);
  }
  return error;
}
