import { randomUUID } from 'node:crypto';
import type { Timer } from '../clock.js';
import type { MoveTaskRow, MoveTaskStatus } from '../store/index.js';
import { transferMessage } from './dead-letter.js';
import { refreshGroup } from './fifo.js';
import { listenerSourceOf } from './listener-dead-letters.js';
import { retentionCutoff } from './retention.js';
import type { QueuePort } from './types.js';

/**
 * Message move tasks (StartMessageMoveTask): moving the messages of a dead-letter queue back to the
 * queues they came from, or to one destination, in the background, at a bounded rate.
 *
 * A task runs on the broker's clock, one tick every {@link MOVE_TICK_MS}; each tick is one
 * `store.write` that moves a chunk (as many messages as the rate allows since the last tick) and
 * records the task's progress in the same transaction. Each message is deleted from the source and
 * inserted into its destination together, so a crash leaves every message in exactly one queue, and a
 * restarted broker resumes its RUNNING tasks where they stopped.
 *
 * Without a destination, each message goes back to the queue SQS dead-lettered it from, or — for a
 * copy an sqs-mega listener dead-lettered itself — to the queue its `mega-dead-letter-source`
 * attribute names (`listener-dead-letters.ts`); a message with neither fails the task, as on SQS.
 *
 * A task moves the messages its source held when it started. Messages in flight (or, on a FIFO queue,
 * behind one in flight in their group) are skipped until they are visible again; the task completes
 * when none of the messages it counted is left in the source.
 */

/** Interval between two chunks of a running task, in ms. */
export const MOVE_TICK_MS = 100;
/** Messages moved per tick when the task has no MaxNumberOfMessagesPerSecond (5,000 a second). */
const UNLIMITED_PER_TICK = 500;
/** Messages read per statement while looking for movable ones. */
const PAGE = 100;
/** The FailureReason of a task whose source or destination queue was deleted, as SQS reports it. */
export const QUEUE_GONE = 'AWS.SimpleQueueService.NonExistentQueue';

interface Runner {
  readonly taskId: string;
  readonly rate: number | null;
  /** Unused allowance, in thousandths of a message. */
  credit: number;
  last: number;
  timer: Timer | undefined;
}

/** The running move tasks of a broker. */
export class MoveTasks {
  private readonly runners = new Map<string, Runner>();

  constructor(private readonly state: Omit<QueuePort, 'queues'>) {}

  /** Picks up the tasks a previous run of the broker left RUNNING or CANCELLING (at start). */
  resume(): void {
    for (const task of this.state.store.moveTasks.active()) this.run(task);
  }

  /**
   * Records a new RUNNING task over the messages `source` holds now (inside the caller's write);
   * call {@link run} with the result once the write committed.
   */
  create(
    sourceArn: string,
    sourceId: number,
    cutoff: number,
    destinationArn: string | null,
    rate: number | null,
  ): MoveTaskRow {
    const { count, maxSeq } = this.state.store.moveTasks.snapshot(sourceId, cutoff);
    const task: MoveTaskRow = {
      task_id: randomUUID(),
      source_arn: sourceArn,
      destination_arn: destinationArn,
      max_per_second: rate,
      status: 'RUNNING',
      moved: 0,
      to_move: count,
      max_seq: maxSeq,
      failure_reason: null,
      started_at: this.state.clock.now(),
    };
    this.state.store.moveTasks.insert(task);
    return task;
  }

  /** Starts ticking a stored task. */
  run(task: MoveTaskRow): void {
    if (this.runners.has(task.task_id)) return;
    const runner: Runner = {
      taskId: task.task_id,
      rate: task.max_per_second,
      credit: 0,
      last: this.state.clock.now(),
      timer: undefined,
    };
    this.runners.set(task.task_id, runner);
    this.schedule(runner);
  }

  private schedule(runner: Runner): void {
    runner.timer = this.state.clock.setTimeout(() => void this.tick(runner), MOVE_TICK_MS);
  }

  private async tick(runner: Runner): Promise<void> {
    const { state } = this;
    runner.timer = undefined;
    if (state.polls.isClosed) {
      this.runners.delete(runner.taskId);
      return;
    }
    const now = state.clock.now();
    let budget = UNLIMITED_PER_TICK;
    if (runner.rate !== null) {
      runner.credit = Math.min(runner.credit + runner.rate * (now - runner.last), runner.rate * 1000);
      budget = Math.floor(runner.credit / 1000);
      runner.credit -= budget * 1000;
    }
    runner.last = now;
    let status: MoveTaskStatus | undefined = 'RUNNING';
    try {
      status = await state.store.write(() => this.step(runner.taskId, budget, now));
    } catch {
      // The commit failed (the broker logged it); nothing of this chunk was stored. Try again next tick.
    }
    if (status === 'RUNNING' && !state.polls.isClosed) this.schedule(runner);
    else this.runners.delete(runner.taskId);
  }

  /** One chunk of a task (inside a write): moves up to `budget` messages; returns the task's status. */
  private step(taskId: string, budget: number, now: number): MoveTaskStatus | undefined {
    const { state } = this;
    const tasks = state.store.moveTasks;
    const task = tasks.get(taskId);
    if (!task) return undefined;
    if (task.status === 'CANCELLING') {
      tasks.update(taskId, 'CANCELLED', task.moved, null);
      return 'CANCELLED';
    }
    if (task.status !== 'RUNNING') return task.status;
    const source = state.byArn(task.source_arn);
    const fixed = task.destination_arn === null ? undefined : state.byArn(task.destination_arn);
    if (!source || (task.destination_arn !== null && !fixed)) {
      tasks.update(taskId, 'FAILED', task.moved, QUEUE_GONE);
      return 'FAILED';
    }
    const cutoff = retentionCutoff(source, now);
    const blocked = new Set<string>();
    const touched = new Set<string>();
    let moved = 0;
    let failed = false;
    let after = 0;
    scan: while (moved < budget) {
      const rows = tasks.page(source.id, after, task.max_seq, PAGE);
      if (rows.length === 0) break;
      for (const row of rows) {
        after = row.seq;
        const group = source.fifo ? row.group_id : null;
        if (group !== null && blocked.has(group)) continue;
        if (row.visible_at > now || row.sent_at <= cutoff) {
          // In flight (or expiring): skipped until visible; on FIFO, its group waits for it.
          if (group !== null) blocked.add(group);
          continue;
        }
        const target =
          fixed ??
          (row.dead_letter_source_arn === null
            ? listenerSourceOf(state, row.attributes, source)
            : state.byArn(row.dead_letter_source_arn));
        if (!target) {
          failed = true;
          break scan;
        }
        transferMessage(state, row, source, target, null, now);
        if (group !== null) touched.add(group);
        if (++moved >= budget) break scan;
      }
    }
    for (const group of touched) refreshGroup(state, source.id, group);
    let status: MoveTaskStatus = 'RUNNING';
    if (failed) status = 'FAILED';
    else if (!tasks.anyLeft(source.id, task.max_seq, cutoff)) status = 'COMPLETED';
    if (moved > 0 || status !== 'RUNNING') {
      tasks.update(taskId, status, task.moved + moved, failed ? QUEUE_GONE : null);
    }
    return status;
  }
}
