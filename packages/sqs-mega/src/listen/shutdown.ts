import type { Clock } from '../clock.js';

/** What a graceful stop needs from the listener. */
export interface DrainSteps {
  /** Stops starting receives (those under way land). */
  stopPolling(): void;
  /** Aborts the receives under way (their messages, if any, stay invisible until their timeout). */
  abortReceives(): void;
  /** True to abort the receives under way at once instead of letting them land. */
  abort: boolean;
  /** Resolves when every poll loop has returned (its receives landed and were delivered). */
  loops(): Promise<unknown>;
  /** Releases received messages that have not started (visibility 0). */
  releaseWaiting(): void;
  /** Messages being processed, with the controller that aborts their handlers' signals. */
  inFlight(): { controller: AbortController; done: Promise<unknown> }[];
  /** Sends pending deletes and visibility changes. */
  flush(): Promise<void>;
  clock: Clock;
  /** How long in-flight handlers may take, ms; then their signals are aborted. */
  timeoutMs: number;
  /** After aborting, how long to wait for handlers to notice, ms (default 1,000). */
  graceMs?: number;
}

/**
 * The shutdown sequence: stop polling and let the receives under way land (their messages are
 * released) — or abort them when asked, or when they outlast the timeout —, release what has not
 * started, drain in-flight work, flush.
 */
export async function drain(steps: DrainSteps): Promise<void> {
  steps.stopPolling();
  if (steps.abort) steps.abortReceives();
  else if (
    !(await within(
      steps.clock,
      steps.timeoutMs,
      steps.loops().then(() => {}),
    ))
  )
    steps.abortReceives();
  await steps.loops();
  steps.releaseWaiting();
  const settled = await within(steps.clock, steps.timeoutMs, allDone(steps));
  if (!settled) {
    for (const work of steps.inFlight()) work.controller.abort(new Error('listener shutting down'));
    await within(steps.clock, steps.graceMs ?? 1000, allDone(steps));
  }
  await steps.flush();
}

async function allDone(steps: DrainSteps): Promise<void> {
  for (let work = steps.inFlight(); work.length > 0; work = steps.inFlight())
    await Promise.allSettled(work.map((w) => w.done));
}

function within(clock: Clock, ms: number, work: Promise<void>): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms);
    void work.then(() => {
      timer.cancel();
      resolve(true);
    });
  });
}

/** Runs `stop` on the first of `signals`; returns a function removing the handlers. */
export function onSignals(signals: NodeJS.Signals[], stop: () => Promise<void>): () => void {
  const handler = () => {
    remove();
    void stop();
  };
  const remove = () => {
    for (const signal of signals) process.off(signal, handler);
  };
  for (const signal of signals) process.once(signal, handler);
  return remove;
}
