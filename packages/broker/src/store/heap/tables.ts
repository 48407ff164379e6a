import type {
  DeliveryRow,
  MessageRow,
  MoveTaskRow,
  MoveTaskStatus,
  MoveTaskStore,
  NewDelivery,
  PeekedRow,
  PeekStore,
  PendingDeliveries,
  QueueRow,
  QueueStore,
  SnsDeliveryStore,
  SnsTopicStore,
  SubscriptionRow,
  TopicRow,
} from '../contract.js';
import type { Journal } from './journal.js';
import type { HeapData } from './messages.js';
import { QueueSide, QueueState } from './queue-state.js';

/**
 * A map whose changes are recorded in the journal (undone if the write fails). Values are replaced,
 * never mutated, but for a queue's sequence counter ({@link HeapQueues.nextSequence}).
 */
export class JournaledMap<K, V> {
  readonly map = new Map<K, V>();

  constructor(private readonly journal: Journal) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    const had = this.map.has(key);
    const old = this.map.get(key);
    this.map.set(key, value);
    this.journal.record(() => {
      if (had) this.map.set(key, old as V);
      else this.map.delete(key);
    });
  }

  delete(key: K): void {
    if (!this.map.has(key)) return;
    const old = this.map.get(key) as V;
    this.map.delete(key);
    this.journal.record(() => this.map.set(key, old));
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}

/** The heap engine's queues. */
export class HeapQueues implements QueueStore {
  private readonly rows: JournaledMap<number, QueueRow>;
  private readonly dead: JournaledMap<number, true>;
  private lastId = 0;

  constructor(private readonly data: HeapData) {
    this.rows = new JournaledMap(data.journal);
    this.dead = new JournaledMap(data.journal);
  }

  insert(row: Omit<QueueRow, 'id' | 'last_purged_at' | 'last_sequence'>): number {
    const id = ++this.lastId;
    this.rows.set(id, { ...row, id, last_purged_at: null, last_sequence: 0 });
    this.data.states.set(id, new QueueState(id, row.fifo === 1));
    this.data.journal.record(() => this.data.states.delete(id));
    return id;
  }

  /**
   * Puts back a queue read from storage (recovery, outside any write), or with `row` undefined the
   * state of deleted queue `id` whose messages storage still holds. Ids continue after the largest.
   */
  restore(id: number, row: QueueRow | undefined): void {
    if (row) this.rows.set(id, { ...row });
    else this.dead.set(id, true);
    if (!this.data.states.has(id)) this.data.states.set(id, new QueueState(id, row?.fifo === 1));
    if (id > this.lastId) this.lastId = id;
  }

  all(): QueueRow[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }

  private update(id: number, change: Partial<QueueRow>): void {
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, ...change });
  }

  updateAttributes(id: number, attributes: string, modifiedAt: number): void {
    this.update(id, { attributes, modified_at: modifiedAt });
  }

  updateTags(id: number, tags: string): void {
    this.update(id, { tags });
  }

  markPurged(id: number, at: number): void {
    this.update(id, { last_purged_at: at });
  }

  /**
   * Advances the counter in the stored row itself (every FIFO send batch does this: a copy of the whole
   * row each time showed in the FIFO cycle's profile); the undo puts the old value back. Rows leave
   * the store only as copies ({@link HeapQueues.all}), so no one else sees the change.
   */
  nextSequence(id: number, count = 1): number {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no queue ${id} in the store`);
    const first = row.last_sequence + 1;
    row.last_sequence += count;
    this.data.journal.record(() => {
      row.last_sequence = first - 1;
    });
    return first;
  }

  delete(id: number): void {
    const state = this.data.state(id);
    if (state) {
      const side = state.side;
      state.side = new QueueSide();
      this.data.journal.record(() => {
        state.side = side;
      });
    }
    this.rows.delete(id);
    this.dead.set(id, true);
  }

  deadQueues(): number[] {
    return [...this.dead.map.keys()];
  }

  forgetDead(id: number): void {
    this.dead.delete(id);
    const state = this.data.state(id);
    if (state && state.messages.size === 0) {
      this.data.states.delete(id);
      this.data.journal.record(() => this.data.states.set(id, state));
    }
  }
}

/** The heap engine's message move tasks. */
export class HeapMoveTasks implements MoveTaskStore {
  private readonly tasks: JournaledMap<string, MoveTaskRow>;

  constructor(private readonly data: HeapData) {
    this.tasks = new JournaledMap(data.journal);
  }

  insert(task: MoveTaskRow): void {
    this.tasks.set(task.task_id, { ...task });
  }

  get(taskId: string): MoveTaskRow | undefined {
    const task = this.tasks.get(taskId);
    return task ? { ...task } : undefined;
  }

  bySource(sourceArn: string, limit: number): MoveTaskRow[] {
    return [...this.tasks.values()]
      .filter((t) => t.source_arn === sourceArn)
      .reverse()
      .slice(0, limit)
      .map((t) => ({ ...t }));
  }

  active(): MoveTaskRow[] {
    return [...this.tasks.values()]
      .filter((t) => t.status === 'RUNNING' || t.status === 'CANCELLING')
      .map((t) => ({ ...t }));
  }

  update(taskId: string, status: MoveTaskStatus, moved: number, failureReason: string | null): void {
    const task = this.tasks.get(taskId);
    if (task) this.tasks.set(taskId, { ...task, status, moved, failure_reason: failureReason });
  }

  snapshot(queueId: number, cutoff: number): { count: number; maxSeq: number } {
    let count = 0;
    let maxSeq = 0;
    for (const m of this.data.state(queueId)?.messages.values() ?? []) {
      if (m.sent_at <= cutoff) continue;
      count++;
      if (m.seq > maxSeq) maxSeq = m.seq;
    }
    return { count, maxSeq };
  }

  page(queueId: number, afterSeq: number, maxSeq: number, limit: number): MessageRow[] {
    const out: MessageRow[] = [];
    for (const m of this.data.state(queueId)?.messages.values() ?? []) {
      if (out.length >= limit) break;
      if (m.seq > afterSeq && m.seq <= maxSeq) out.push(m.row());
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  anyLeft(queueId: number, maxSeq: number, cutoff: number): boolean {
    for (const m of this.data.state(queueId)?.messages.values() ?? []) {
      if (m.seq <= maxSeq && m.sent_at > cutoff) return true;
    }
    return false;
  }
}

/** The heap engine's SNS topics and subscriptions. */
export class HeapSnsTopics implements SnsTopicStore {
  readonly topics: JournaledMap<string, TopicRow>;
  readonly subscriptions: JournaledMap<string, SubscriptionRow>;

  constructor(journal: Journal) {
    this.topics = new JournaledMap(journal);
    this.subscriptions = new JournaledMap(journal);
  }

  insertTopic(row: TopicRow): void {
    this.topics.set(row.arn, { ...row });
  }

  updateTopic(arn: string, attributes: string, tags: string): void {
    const row = this.topics.get(arn);
    if (row) this.topics.set(arn, { ...row, attributes, tags });
  }

  nextSequence(arn: string): number {
    const row = this.topics.get(arn);
    if (!row) throw new Error(`no topic ${arn} in the store`);
    this.topics.set(arn, { ...row, last_sequence: row.last_sequence + 1 });
    return row.last_sequence + 1;
  }

  deleteTopic(arn: string): void {
    for (const s of [...this.subscriptions.values()]) {
      if (s.topic_arn === arn) this.subscriptions.delete(s.arn);
    }
    this.topics.delete(arn);
  }

  allTopics(): TopicRow[] {
    return [...this.topics.values()].map((r) => ({ ...r }));
  }

  insertSubscription(row: SubscriptionRow): void {
    this.subscriptions.set(row.arn, { ...row });
  }

  updateSubscription(arn: string, attributes: string, confirmed: boolean): void {
    const row = this.subscriptions.get(arn);
    if (row) this.subscriptions.set(arn, { ...row, attributes, confirmed: confirmed ? 1 : 0 });
  }

  deleteSubscription(arn: string): void {
    this.subscriptions.delete(arn);
  }

  allSubscriptions(): SubscriptionRow[] {
    return [...this.subscriptions.values()].map((r) => ({ ...r }));
  }
}

/** The heap engine's pending HTTP/S deliveries. */
export class HeapSnsDeliveries implements SnsDeliveryStore {
  readonly rows: JournaledMap<number, DeliveryRow>;
  private lastId = 0;

  constructor(journal: Journal) {
    this.rows = new JournaledMap(journal);
  }

  insert(row: NewDelivery): number {
    const id = ++this.lastId;
    this.rows.set(id, { ...row, id, attempts: 0 });
    return id;
  }

  /** Puts back a delivery read from storage (recovery, outside any write). Ids continue after the largest. */
  restore(row: DeliveryRow): void {
    this.rows.set(row.id, { ...row });
    if (row.id > this.lastId) this.lastId = row.id;
  }

  due(now: number, limit: number): DeliveryRow[] {
    return [...this.rows.values()]
      .filter((r) => r.due_at <= now)
      .sort((a, b) => a.due_at - b.due_at || a.id - b.id)
      .slice(0, limit)
      .map((r) => ({ ...r }));
  }

  retry(id: number, attempts: number, dueAt: number): void {
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, attempts, due_at: dueAt });
  }

  delete(id: number): void {
    this.rows.delete(id);
  }

  deleteForSubscription(arn: string): void {
    for (const r of [...this.rows.values()]) if (r.subscription_arn === arn) this.rows.delete(r.id);
  }
}

/** The heap engine's read-only views for the dashboard. */
export class HeapPeek implements PeekStore {
  constructor(
    private readonly data: HeapData,
    private readonly deliveriesOf: HeapSnsDeliveries,
  ) {}

  messages(queueId: number, cutoff: number, limit: number): PeekedRow[] {
    const out: PeekedRow[] = [];
    for (const m of this.data.state(queueId)?.messages.values() ?? []) {
      if (out.length >= limit) break;
      if (m.sent_at <= cutoff) continue;
      const { receipt: _r, md5_attributes: _m, trace_header: _t, ...peeked } = m.row();
      out.push(peeked);
    }
    return out;
  }

  deliveries(): PendingDeliveries[] {
    const bySub = new Map<string, PendingDeliveries>();
    for (const r of this.deliveriesOf.rows.values()) {
      const p = bySub.get(r.subscription_arn);
      if (!p) {
        bySub.set(r.subscription_arn, {
          subscription_arn: r.subscription_arn,
          pending: 1,
          max_attempts: r.attempts,
          next_due_at: r.due_at,
          oldest_at: r.created_at,
        });
        continue;
      }
      p.pending++;
      p.max_attempts = Math.max(p.max_attempts, r.attempts);
      p.next_due_at = Math.min(p.next_due_at, r.due_at);
      p.oldest_at = Math.min(p.oldest_at, r.created_at);
    }
    return [...bySub.values()];
  }
}
