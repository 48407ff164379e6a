import type { QueueRow, Store } from '../store/index.js';
import { settingsOf } from './queue-attributes.js';
import type { Queue } from './types.js';

/**
 * The queues, cached in memory (there are few, and every request needs one) and kept in step with the
 * store: each change is written through in the caller's transaction; the cache is reloaded from the
 * store if a commit fails.
 */
export class QueueRegistry {
  private byKey = new Map<string, Queue>();
  // the same queues by ARN: an SNS fan-out looks up each subscription's queue by its endpoint ARN
  private byArnKey = new Map<string, Queue>();

  constructor(
    private readonly store: Store,
    private readonly accountId: string,
  ) {
    this.reload();
  }

  /** Rebuilds the cache from the store. */
  reload(): void {
    this.byKey = new Map();
    this.byArnKey = new Map();
    for (const row of this.store.queues.all()) this.cache(row);
  }

  get(region: string, name: string): Queue | undefined {
    return this.byKey.get(key(region, name));
  }

  /** Every queue of the region, sorted by name. */
  list(region: string): Queue[] {
    return [...this.byKey.values()]
      .filter((q) => q.region === region)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Every queue of every region. */
  all(): Queue[] {
    return [...this.byKey.values()];
  }

  /** The queue an ARN names (`arn:aws:sqs:REGION:ACCOUNT:NAME`), if it exists. */
  byArn(arn: string): Queue | undefined {
    const cached = this.byArnKey.get(arn);
    if (cached !== undefined) return cached;
    // not in the canonical form (another partition, say): parse it as before
    const [, , service, region, account, name] = arn.split(':');
    if (service !== 'sqs' || account !== this.accountId || !region || !name) return undefined;
    return this.get(region, name);
  }

  arnOf(region: string, name: string): string {
    return `arn:aws:sqs:${region}:${this.accountId}:${name}`;
  }

  /** Inserts a queue (inside the caller's write). */
  create(row: Omit<QueueRow, 'id' | 'last_purged_at' | 'last_sequence'>): Queue {
    const id = this.store.queues.insert(row);
    return this.cache({ ...row, id, last_purged_at: null, last_sequence: 0 });
  }

  setAttributes(queue: Queue, attributes: Record<string, string>, now: number): void {
    this.store.queues.updateAttributes(queue.id, JSON.stringify(attributes), now);
    queue.attributes = attributes;
    queue.settings = settingsOf(attributes);
    queue.modifiedAt = now;
  }

  setTags(queue: Queue, tags: Record<string, string>): void {
    this.store.queues.updateTags(queue.id, JSON.stringify(tags));
    queue.tags = tags;
  }

  markPurged(queue: Queue, now: number): void {
    this.store.queues.markPurged(queue.id, now);
    queue.lastPurgedAt = now;
  }

  delete(queue: Queue): void {
    this.store.queues.delete(queue.id);
    this.byKey.delete(key(queue.region, queue.name));
    this.byArnKey.delete(queue.arn);
  }

  private cache(row: QueueRow): Queue {
    const attributes = JSON.parse(row.attributes) as Record<string, string>;
    const queue: Queue = {
      id: row.id,
      region: row.region,
      name: row.name,
      fifo: row.fifo === 1,
      arn: this.arnOf(row.region, row.name),
      attributes,
      settings: settingsOf(attributes),
      tags: JSON.parse(row.tags) as Record<string, string>,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      lastPurgedAt: row.last_purged_at,
    };
    this.byKey.set(key(row.region, row.name), queue);
    this.byArnKey.set(queue.arn, queue);
    return queue;
  }
}

function key(region: string, name: string): string {
  return `${region}\u0000${name}`;
}
