/**
 * What a priority listener knows of one of its queues, and the choice of the next receives: pure
 * bookkeeping, no I/O (the loop in `loop.ts` carries the receives out).
 *
 * A queue is `unknown` (never received from, or worth a new look), `busy` (its last receive brought
 * messages) or `empty` (its last receive came back empty). Queues with work share the free slots by
 * weight, slot by slot, to whichever is furthest behind (the least `served / weight`: start-time fair
 * queueing, so a queue coming back from empty does not get a burst to catch up). An empty queue is
 * watched by one long poll holding one slot, so that new work is seen at once without polling again;
 * when every queue is empty, only those long polls are under way (an idle listener makes one request
 * per queue per `waitTimeSeconds`).
 */
export type LaneState = 'unknown' | 'busy' | 'empty';

/** One queue's scheduling state. */
export interface Lane {
  /** Index in the listener's `queues`. */
  readonly index: number;
  /** 0 is received from first (strict); 0 for every queue under `weighted`. */
  readonly level: number;
  readonly weight: number;
  readonly minShare: number;
  state: LaneState;
  /** Short receives (for work) under way. */
  working: number;
  /** A long poll (watch) under way. */
  watching: boolean;
  /** Receive failures in a row; the queue is skipped until `retryAt` (ms) after one. */
  failures: number;
  retryAt: number;
  /** Slots granted divided by the effective weight: who is furthest behind its share. */
  served: number;
  /** Whether it competed for slots in the previous plan (a newcomer starts at the others' level). */
  competing: boolean;
}

/** A receive to start: `max` slots for `lane`, a long poll (`watch`) or a short one. */
export interface PlannedReceive {
  lane: Lane;
  max: number;
  watch: boolean;
  /** The effective weight its slots were charged at (to refund the slots it comes back without). */
  weight: number;
}

export interface PlanLimits {
  batchSize: number;
  /** Most short receives under way at once, over all queues. */
  maxWorkReceives: number;
}

/** New lanes, one per queue, from their level, weight and minShare. */
export function lanes(queues: readonly { level: number; weight: number; minShare: number }[]): Lane[] {
  return queues.map((q, index) => ({
    index,
    level: q.level,
    weight: q.weight,
    minShare: q.minShare,
    state: 'unknown',
    working: 0,
    watching: false,
    failures: 0,
    retryAt: 0,
    served: 0,
    competing: false,
  }));
}

const available = (lane: Lane, now: number) => lane.retryAt <= now;
const hasWork = (lane: Lane, now: number) => available(lane, now) && lane.state !== 'empty';

/**
 * The receives to start now with `free` slots. Charges the slots to the lanes (`served`, `working`,
 * `watching`); the caller takes the slots and starts them.
 */
export function plan(
  all: readonly Lane[],
  policy: 'strict' | 'weighted',
  free: number,
  now: number,
  limits: PlanLimits,
): PlannedReceive[] {
  if (free <= 0) return [];
  const withWork = all.filter((l) => hasWork(l, now));
  // Who competes for slots, at what effective weight (they add up to 1).
  const weights = new Map<Lane, number>();
  let top = Number.POSITIVE_INFINITY;
  if (policy === 'weighted') {
    const sum = withWork.reduce((s, l) => s + l.weight, 0);
    for (const l of withWork) weights.set(l, l.weight / sum);
  } else {
    for (const l of withWork) top = Math.min(top, l.level);
    const level = withWork.filter((l) => l.level === top);
    const guaranteed = withWork.filter((l) => l.level > top && l.minShare > 0);
    const reserved = guaranteed.reduce((s, l) => s + l.minShare, 0);
    const sum = level.reduce((s, l) => s + l.weight, 0);
    for (const l of level) weights.set(l, (l.weight / sum) * (1 - reserved));
    for (const l of guaranteed) weights.set(l, l.minShare);
  }
  const watchable = (l: Lane) => policy === 'weighted' || l.level <= top || l.minShare > 0;
  const out: PlannedReceive[] = [];
  // Watches first (one slot each, highest first), leaving a slot for work when some queue has it.
  let budget = weights.size > 0 ? free - 1 : free;
  const toWatch = all
    .filter((l) => available(l, now) && l.state === 'empty' && !l.watching && l.working === 0 && watchable(l))
    .sort((a, b) => a.level - b.level || b.weight - a.weight || a.index - b.index);
  for (const lane of toWatch) {
    if (budget <= 0) break;
    lane.watching = true;
    out.push({ lane, max: 1, watch: true, weight: 1 });
    budget--;
    free--;
  }
  // Work: slot by slot to the competitor furthest behind its share.
  const competitors = [...weights.keys()];
  const floor = Math.min(...competitors.filter((l) => l.competing).map((l) => l.served));
  for (const l of all) {
    const joining = weights.has(l) && !l.competing;
    if (joining && Number.isFinite(floor)) l.served = Math.max(l.served, floor);
    l.competing = weights.has(l);
  }
  let receivesLeft = limits.maxWorkReceives - all.reduce((s, l) => s + l.working, 0);
  const granted = new Map<Lane, number>();
  const blocked = new Set<Lane>();
  while (free > 0) {
    let pick: Lane | undefined;
    for (const l of competitors) {
      if (blocked.has(l)) continue;
      if (
        !pick ||
        l.served < pick.served ||
        (l.served === pick.served &&
          (l.level < pick.level || (l.level === pick.level && l.weight > pick.weight)))
      )
        pick = l;
    }
    if (!pick) break;
    const n = granted.get(pick) ?? 0;
    if (n % limits.batchSize === 0) {
      // Its next slot needs one more receive.
      if (receivesLeft <= 0) {
        blocked.add(pick);
        continue;
      }
      receivesLeft--;
    }
    granted.set(pick, n + 1);
    pick.served += 1 / (weights.get(pick) as number);
    free--;
  }
  for (const [lane, n] of granted) {
    const weight = weights.get(lane) as number;
    for (let left = n; left > 0; left -= limits.batchSize) {
      out.push({ lane, max: Math.min(left, limits.batchSize), watch: false, weight });
      lane.working++;
    }
  }
  return out;
}

/**
 * Books a receive that landed with `received` messages: refunds the slots it came back without,
 * updates the lane's state, and — when it brought work, or a watch outlasted its long poll — marks
 * the other empty queues that no long poll watches as worth a new look.
 */
export function landed(all: readonly Lane[], receive: PlannedReceive, received: number): void {
  const { lane } = receive;
  if (receive.watch) lane.watching = false;
  else {
    lane.working--;
    lane.served -= (receive.max - received) / receive.weight;
  }
  lane.failures = 0;
  lane.state = received > 0 ? 'busy' : 'empty';
  if (received > 0 || receive.watch)
    for (const l of all)
      if (l !== lane && l.state === 'empty' && !l.watching && l.working === 0) l.state = 'unknown';
}

/** Books a receive that failed: refunds its slots; the lane is skipped until `retryAt`. */
export function failed(receive: PlannedReceive, retryAt: number): void {
  const { lane } = receive;
  if (receive.watch) lane.watching = false;
  else {
    lane.working--;
    lane.served -= receive.max / receive.weight;
  }
  lane.failures++;
  lane.retryAt = retryAt;
}
