import { createHash } from 'node:crypto';
import type { Timer } from '../../clock.js';
import { Deliveries } from '../../sqs/deliver.js';
import { deliverTo } from '../delivery/deliver.js';
import type { SnsState } from '../state.js';
import type { ArchivedNotification, SnsArchivePort, Subscription } from '../types.js';
import type { ReplayRange } from './policy.js';

/** Archived messages re-delivered per write. */
const CHUNK = 100;

/** AWS's values of a subscription's `ReplayStatus`. */
export type ReplayStatus = 'Pending' | 'In progress' | 'Completed' | 'Failed';

/** The broker's bookkeeping of a replay, kept in the subscription's attributes (never reported). */
const FROM = '_replayFrom';
const UNTIL = '_replayUntil';
const CURSOR = '_replayCursor';
const ORIGIN = '_replayOrigin';
const STARTED = '_replayStarted';
/** Set while the ReplayPolicy has an EndingPoint: the subscription receives no new publishes. */
const ENDS = '_replayEnds';
const KEYS = [FROM, UNTIL, CURSOR, ORIGIN, STARTED, ENDS, 'ReplayStatus'];

/**
 * Starts a replay in a subscription's attributes (the caller writes them): status `Pending`, the range,
 * and the cursor before the first message. Without an EndingPoint the replay covers the archive up to
 * now and new publishes keep being delivered as usual; with one it covers up to the EndingPoint and,
 * as on SNS, the subscription no longer receives new publishes.
 */
export function startReplay(
  attributes: Record<string, string>,
  range: ReplayRange,
  now: number,
  origin: string,
): void {
  clearReplay(attributes);
  attributes.ReplayStatus = 'Pending';
  attributes[FROM] = String(range.from);
  attributes[UNTIL] = String(range.to ?? now);
  attributes[CURSOR] = '-1';
  attributes[ORIGIN] = origin;
  attributes[STARTED] = String(now);
  if (range.to !== undefined) attributes[ENDS] = 'true';
}

/** Removes a replay (an empty ReplayPolicy): its status and bookkeeping. */
export function clearReplay(attributes: Record<string, string>): void {
  for (const key of KEYS) delete attributes[key];
}

/** Whether the subscription's ReplayPolicy has an EndingPoint, which stops new publishes reaching it. */
export const holdsLive = (s: Subscription): boolean => s.attributes[ENDS] === 'true';

const active = (s: Subscription): boolean =>
  s.attributes.ReplayStatus === 'Pending' || s.attributes.ReplayStatus === 'In progress';

/**
 * The replay worker: re-delivers each active replay's range of the topic archive to its subscription
 * only, in sequence order, a chunk per write (the cursor is written with the chunk, so a replay resumes
 * where it was after a restart). Each message passes the subscription's filter policy and is rendered
 * as the subscription asks (raw or in the envelope, which then carries `"Replayed": true`); it keeps its
 * MessageId and Timestamp. On a FIFO queue its deduplication id is derived from the original's and the
 * replay, so a replay is not dropped as a duplicate of the first delivery.
 */
export class Replays {
  private queued = false;
  private running = false;
  private again = false;
  private stopped = false;
  private timer: Timer | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly sns: SnsState,
    private readonly archive: Pick<SnsArchivePort, 'beginning'>,
  ) {}

  /** Runs the active replays soon. */
  wake(): void {
    if (this.stopped || this.queued) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      void this.run();
    });
  }

  /** A message was archived on the topic: replays waiting for their EndingPoint take it. */
  published(topicArn: string): void {
    if (this.sns.subscriptionsOf(topicArn).some(active)) this.wake();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      for (const s of this.sns.allSubscriptions()) {
        if (this.stopped) return;
        if (!active(s)) continue;
        const next = await this.sns.sqs.store.write(() => this.step(s));
        if (next === 'more') this.again = true;
        else if (typeof next === 'number') this.arm(next);
      }
    } catch (error) {
      this.sns.config.logger.error({ err: error }, 'SNS replay step failed; retrying');
      this.again = true;
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    }
  }

  /**
   * One chunk of a replay (inside a write). Returns `more` when a chunk followed, the EndingPoint when
   * the replay waits for it, else `done`.
   */
  private step(s: Subscription): 'more' | 'done' | number {
    if (!active(s) || this.sns.findSubscription(s.arn) !== s) return 'done';
    const now = this.sns.clock.now();
    const topic = this.sns.findTopic(s.topicArn);
    const beginning = topic && this.archive.beginning(topic, now);
    const attributes = { ...s.attributes };
    if (!topic || beginning === undefined) {
      attributes.ReplayStatus = 'Failed';
      this.sns.config.logger.warn({ subscription: s.arn }, 'SNS replay failed: the topic no longer archives');
      return this.save(s, attributes, 'done');
    }
    const until = Number(attributes[UNTIL]);
    const from = Math.max(Number(attributes[FROM]), beginning);
    const rows = this.sns.sqs.store.snsArchive.range(
      topic.arn,
      from,
      until,
      Number(attributes[CURSOR]),
      CHUNK,
    );
    const ctx = { region: topic.region, origin: attributes[ORIGIN] ?? 'http://127.0.0.1' };
    const deliveries = new Deliveries(this.sns.sqs, ctx, now);
    for (const row of rows) {
      const n = JSON.parse(row.message) as ArchivedNotification;
      if (!passes(s, n)) continue;
      n.replayed = true;
      if (n.dedupId !== undefined)
        n.dedupId = createHash('sha256').update(`${n.dedupId}\n${attributes[STARTED]}`).digest('hex');
      deliverTo(this.sns, ctx, topic, s, n, now, deliveries);
    }
    deliveries.flush();
    const last = rows[rows.length - 1];
    if (last) attributes[CURSOR] = String(last.seq);
    if (rows.length === CHUNK) {
      attributes.ReplayStatus = 'In progress';
      return this.save(s, attributes, 'more');
    }
    if (now < until) {
      attributes.ReplayStatus = 'In progress';
      return this.save(s, attributes, until);
    }
    attributes.ReplayStatus = 'Completed';
    for (const key of [FROM, UNTIL, CURSOR, ORIGIN, STARTED]) delete attributes[key];
    return this.save(s, attributes, 'done');
  }

  private save<T>(s: Subscription, attributes: Record<string, string>, result: T): T {
    s.attributes = attributes;
    this.sns.saveSubscription(s);
    return result;
  }

  private arm(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.sns.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, at - this.sns.clock.now());
  }
}

/** Whether the subscription's filter policy lets the notification through (as at publish). */
function passes(s: Subscription, n: ArchivedNotification): boolean {
  if (!s.filter) return true;
  if (s.attributes.FilterPolicyScope !== 'MessageBody') return s.filter.matches(n.attributes);
  try {
    const body: unknown = JSON.parse(n.message);
    return body !== null && typeof body === 'object' && !Array.isArray(body) && s.filter.matches(body);
  } catch {
    return false;
  }
}
