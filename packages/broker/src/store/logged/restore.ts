import type Database from 'better-sqlite3';
import type { HeapStore } from '../heap/index.js';
import { MESSAGE_COLUMNS, toMessageRow } from '../message-rows.js';
import type { ArchivedRow, DeliveryRow, MoveTaskRow, QueueRow, SubscriptionRow, TopicRow } from '../rows.js';
import type { Spill } from './spill.js';

/**
 * Loads every table of the durable database into `heap` (the logged engine's start: the heap is its
 * live state, SQLite what its journal folds into), but the messages `spill` keeps on disk. Runs outside any write, so
 * nothing of it is logged back.
 */
export function restore(db: Database.Database, heap: HeapStore, spill: Spill): void {
  const all = <T>(sql: string) => db.prepare(sql).all() as T[];
  for (const row of all<QueueRow>('SELECT * FROM queues')) heap.queues.restore(row.id, row);
  for (const { queue_id } of all<{ queue_id: number }>('SELECT queue_id FROM dead_queues'))
    heap.queues.restore(queue_id, undefined);
  type Group = { queue_id: number; group_id: string };
  // fair groups first: a queue with groups keeps all its messages in the heap
  for (const g of all<Group & { in_flight: number; served: number }>('SELECT * FROM fair_groups'))
    heap.fair.restore(g.queue_id, g.group_id, g.in_flight, g.served);
  const messages = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages ORDER BY seq`).raw(true);
  for (const r of messages.iterate() as IterableIterator<unknown[]>) {
    const row = toMessageRow(r);
    if (!heap.data.state(row.queue_id)) continue; // a queue forgotten before its messages were: garbage
    if (!spill.keepsOnDisk(row)) heap.data.restore(row);
  }
  for (const g of all<Group & { ready_at: number; head_seq: number }>('SELECT * FROM fifo_groups'))
    heap.fifo.setGroup(g.queue_id, g.group_id, g.ready_at, g.head_seq);
  type Dedup = { queue_id: number; scope: string; dedup_id: string; message_id: string };
  for (const d of all<Dedup & { sequence_number: string | null; expires_at: number }>(
    'SELECT * FROM dedup ORDER BY expires_at',
  ))
    heap.fifo.putDedup(d.queue_id, d.scope, d.dedup_id, d);
  type Attempt = { queue_id: number; attempt_id: string; receipts: string; expires_at: number };
  for (const a of all<Attempt>('SELECT * FROM receive_attempts ORDER BY expires_at'))
    heap.fifo.putAttempt(a.queue_id, a.attempt_id, a.receipts, a.expires_at);
  for (const t of all<MoveTaskRow>(`SELECT ${MOVE_TASK_COLUMNS} FROM move_tasks ORDER BY id`))
    heap.moveTasks.insert(t);
  for (const t of all<TopicRow>('SELECT * FROM sns_topics')) heap.snsTopics.insertTopic(t);
  for (const s of all<SubscriptionRow>('SELECT * FROM sns_subscriptions'))
    heap.snsTopics.insertSubscription(s);
  for (const d of all<DeliveryRow>('SELECT * FROM sns_deliveries ORDER BY id')) heap.snsDeliveries.restore(d);
  for (const a of all<ArchivedRow>('SELECT * FROM sns_archive ORDER BY topic_arn, seq'))
    heap.snsArchive.insert(a);
}

const MOVE_TASK_COLUMNS =
  'task_id, source_arn, destination_arn, max_per_second, status, moved, to_move, max_seq, failure_reason, started_at';
