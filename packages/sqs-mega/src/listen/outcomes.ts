import { ProcessStatus } from './types.js';

/** The verdict on a message once its subscribers have run. */
export type Verdict = 'done' | 'retry' | 'fatal';

/** Combines subscriber statuses: fatal beats retry, retry beats done. */
export function combine(statuses: Iterable<ProcessStatus>): Verdict {
  let verdict: Verdict = 'done';
  for (const status of statuses) {
    if (status === ProcessStatus.FATAL_ERROR) return 'fatal';
    if (status !== ProcessStatus.DONE) verdict = 'retry';
  }
  return verdict;
}

/**
 * Which subscribers have finished which messages, in this process: a redelivery runs only the
 * subscribers that have not. Bounded (least recently used entries go first).
 */
export class OutcomeMemory {
  private readonly done = new Map<string, Set<string>>();

  constructor(private readonly capacity = 10_000) {}

  /** Subscribers already done with the message. */
  finished(messageId: string): ReadonlySet<string> {
    return this.done.get(messageId) ?? EMPTY;
  }

  /** Records that `subscriber` is done with the message. */
  record(messageId: string, subscriber: string): void {
    let set = this.done.get(messageId);
    if (set) this.done.delete(messageId);
    else set = new Set();
    set.add(subscriber);
    this.done.set(messageId, set);
    if (this.done.size > this.capacity) {
      const oldest = this.done.keys().next().value;
      if (oldest !== undefined) this.done.delete(oldest);
    }
  }

  /** Forgets a message (after it was deleted or dead-lettered). */
  forget(messageId: string): void {
    this.done.delete(messageId);
  }
}

const EMPTY: ReadonlySet<string> = new Set();
