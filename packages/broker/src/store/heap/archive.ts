import type { SnsArchiveStore } from '../contract.js';
import type { ArchivedRow } from '../rows.js';
import type { Journal } from './journal.js';

/**
 * The heap engine's topic archives: per topic, its messages in seq order (they are inserted in that
 * order, by the publish that numbers them). Reads find their start by binary search on seq.
 */
export class HeapSnsArchive implements SnsArchiveStore {
  private readonly topics = new Map<string, ArchivedRow[]>();

  constructor(private readonly journal: Journal) {}

  insert(row: ArchivedRow): void {
    let rows = this.topics.get(row.topic_arn);
    if (!rows) {
      rows = [];
      this.topics.set(row.topic_arn, rows);
    }
    const list = rows;
    list.push({ ...row });
    this.journal.record(() => list.pop());
  }

  range(topicArn: string, from: number, to: number, afterSeq: number, limit: number): ArchivedRow[] {
    const rows = this.topics.get(topicArn) ?? [];
    const out: ArchivedRow[] = [];
    for (let i = firstAfter(rows, afterSeq); i < rows.length && out.length < limit; i++) {
      const row = rows[i] as ArchivedRow;
      if (row.published_at >= from && row.published_at <= to) out.push({ ...row });
    }
    return out;
  }

  oldest(topicArn: string): number | undefined {
    let oldest: number | undefined;
    for (const row of this.topics.get(topicArn) ?? [])
      if (oldest === undefined || row.published_at < oldest) oldest = row.published_at;
    return oldest;
  }

  expire(topicArn: string, cutoff: number, limit: number): number {
    const rows = this.topics.get(topicArn);
    if (!rows) return 0;
    const kept: ArchivedRow[] = [];
    const removed: ArchivedRow[] = [];
    for (const row of rows) {
      if (removed.length < limit && row.published_at <= cutoff) removed.push(row);
      else kept.push(row);
    }
    if (removed.length === 0) return 0;
    const before = rows.slice();
    rows.splice(0, rows.length, ...kept);
    this.journal.record(() => rows.splice(0, rows.length, ...before));
    return removed.length;
  }

  deleteTopic(topicArn: string): void {
    const rows = this.topics.get(topicArn);
    if (!rows) return;
    this.topics.delete(topicArn);
    this.journal.record(() => this.topics.set(topicArn, rows));
  }
}

/** The index of the first row with `seq > afterSeq`. */
function firstAfter(rows: readonly ArchivedRow[], afterSeq: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as ArchivedRow).seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
