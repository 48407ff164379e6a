import type { Timer } from '../../clock.js';
import type { SnsState } from '../state.js';
import type { ArchivedNotification, SnsArchivePort, Topic } from '../types.js';
import { ARCHIVE_SINCE, DAY_MS } from './policy.js';
import { Replays } from './replay.js';

/** Expired messages deleted per write. */
const EXPIRE_CHUNK = 1000;
/** A failed sweep is tried again after this long, in ms. */
const RETRY_MS = 60_000;

/** A notification as archived: what a replay renders again. */
export type { ArchivedNotification } from '../types.js';

/**
 * The message archives of FIFO topics with an `ArchivePolicy`: every publish to such a topic is kept
 * (in the publish's write) for the retention period, whatever its subscriptions, and expired by the
 * broker's clock; the {@link Replays} re-deliver ranges of it to subscriptions with a `ReplayPolicy`.
 */
export class SnsArchive implements SnsArchivePort {
  readonly replays: Replays;
  private sweepTimer: Timer | undefined;
  private sweepAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly sns: SnsState) {
    this.replays = new Replays(sns, this);
  }

  /** The topic's retention in days, if it archives. */
  retentionDays(topic: Topic): number | undefined {
    const policy = topic.attributes.ArchivePolicy;
    if (policy === undefined) return undefined;
    const raw = (JSON.parse(policy) as { MessageRetentionPeriod?: unknown }).MessageRetentionPeriod;
    return Number(raw);
  }

  /**
   * The earliest instant a replay may start from: when archiving was turned on, or the retention
   * period ago, whichever is later. `undefined` when the topic does not archive.
   */
  beginning(topic: Topic, now = this.sns.clock.now()): number | undefined {
    const days = this.retentionDays(topic);
    if (days === undefined) return undefined;
    return Math.max(Number(topic.attributes[ARCHIVE_SINCE] ?? 0), now - days * DAY_MS);
  }

  /** Archives a notification of `topic` with its sequence number `seq` (inside the publish's write). */
  record(topic: Topic, seq: number, n: ArchivedNotification): void {
    const days = this.retentionDays(topic);
    if (days === undefined) return;
    this.sns.sqs.store.snsArchive.insert({
      topic_arn: topic.arn,
      seq,
      published_at: n.timestamp,
      message: JSON.stringify(n),
    });
    const expiresAt = n.timestamp + days * DAY_MS;
    this.sns.sqs.store.afterCommit(() => {
      this.armSweep(expiresAt);
      this.replays.published(topic.arn);
    });
  }

  /**
   * Applies a change of the topic's ArchivePolicy to its attributes (inside the caller's write):
   * turning archiving on records since when; turning it off forgets the archive.
   */
  policyChanged(topic: Topic, attributes: Record<string, string>, now: number): void {
    if (attributes.ArchivePolicy === undefined) {
      delete attributes[ARCHIVE_SINCE];
      if (topic.attributes.ArchivePolicy !== undefined) this.forget(topic);
    } else if (attributes[ARCHIVE_SINCE] === undefined) {
      attributes[ARCHIVE_SINCE] = String(now);
    }
  }

  /** Deletes the topic's archive (inside the caller's write). */
  forget(topic: Topic): void {
    this.sns.sqs.store.snsArchive.deleteTopic(topic.arn);
  }

  /** Arms the expiry sweep and resumes the replays left running (at start). */
  schedule(): void {
    const now = this.sns.clock.now();
    for (const topic of this.sns.allTopics()) {
      const days = this.retentionDays(topic);
      const oldest = this.sns.sqs.store.snsArchive.oldest(topic.arn);
      if (days !== undefined && oldest !== undefined) this.armSweep(Math.max(now, oldest + days * DAY_MS));
    }
    this.replays.wake();
  }

  stop(): void {
    this.stopped = true;
    this.sweepTimer?.cancel();
    this.replays.stop();
  }

  private armSweep(at: number): void {
    if (this.stopped || at >= this.sweepAt) return;
    this.sweepTimer?.cancel();
    this.sweepAt = at;
    this.sweepTimer = this.sns.clock.setTimeout(() => {
      this.sweepTimer = undefined;
      this.sweepAt = Number.POSITIVE_INFINITY;
      void this.sweep();
    }, at - this.sns.clock.now());
  }

  /** Deletes the messages past their topic's retention, a chunk per write; re-arms for the next. */
  private async sweep(): Promise<void> {
    const archive = this.sns.sqs.store.snsArchive;
    try {
      for (const topic of this.sns.allTopics()) {
        const days = this.retentionDays(topic);
        if (days === undefined) continue;
        let removed: number;
        do {
          const cutoff = this.sns.clock.now() - days * DAY_MS;
          removed = await this.sns.sqs.store.write(() => archive.expire(topic.arn, cutoff, EXPIRE_CHUNK));
        } while (removed === EXPIRE_CHUNK && !this.stopped);
      }
    } catch (error) {
      this.sns.config.logger.error({ err: error }, 'SNS archive expiry failed; retrying in a minute');
      this.armSweep(this.sns.clock.now() + RETRY_MS);
      return;
    }
    if (!this.stopped) this.schedule();
  }
}
