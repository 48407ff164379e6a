import { MegaError } from '../errors.js';

/** How a deferred message waits: a delayed copy (`reroute`) or the same message made invisible (`visibility`). */
export type DeferMode = 'reroute' | 'visibility';

/** Longest per-message delay SQS accepts (`DelaySeconds`), seconds: longer deferrals are chained. */
export const MAX_DELAY_SECONDS = 900;

/** Attribute naming the subscribers a rerouted copy is for (a JSON array of names). */
export const DEFER_TARGETS_ATTRIBUTE = 'mega-defer-targets';
/** Attribute carrying the URL of the queue the message was first deferred from. */
export const DEFER_SOURCE_ATTRIBUTE = 'mega-defer-source';
/** Attribute carrying when a chained deferral (longer than 900 s) is due, ms since the epoch. */
export const DEFER_UNTIL_ATTRIBUTE = 'mega-defer-until';

/**
 * Thrown (by a handler or a middleware) to say "not now, try again in `seconds`" without failing the
 * message: it is neither retried with a backoff nor counted as a failure, and never dead-lettered
 * because of the deferral. The listener's `deferral` options say how it waits (see `DeferMode`);
 * `mode` here overrides them for this message. When several subscribers of one message defer, the
 * longest delay wins. See {@link defer}.
 */
export class DeferError extends MegaError {
  override name = 'DeferError';
  /** Whole seconds to wait, at least 1 (rounded up). */
  readonly seconds: number;
  constructor(
    seconds: number,
    /** Why (logged and carried by the listener's `deferred` event), e.g. `rate limit tenant-a`. */
    readonly reason = 'deferred',
    /** Overrides the listener's `deferral.mode` for this message. */
    readonly mode?: DeferMode,
  ) {
    super(`deferred for ${seconds} s: ${reason}`);
    this.seconds = Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : 1;
  }
}

/** `throw defer(30, 'downstream busy')`: a {@link DeferError}, for a handler or a middleware. */
export function defer(seconds: number, reason?: string, mode?: DeferMode): DeferError {
  return new DeferError(seconds, reason, mode);
}

/** True when `error` is a deferral rather than a failure. */
export function isDeferral(error: unknown): error is DeferError {
  return error instanceof DeferError;
}

/**
 * False when the message is a rerouted copy meant for other subscribers than `subscriber` (they had
 * already finished it before it was deferred).
 */
export function targeted(attributes: Record<string, { StringValue?: string }>, subscriber: string): boolean {
  const value = attributes[DEFER_TARGETS_ATTRIBUTE]?.StringValue;
  if (value === undefined) return true;
  try {
    const names: unknown = JSON.parse(value);
    return !Array.isArray(names) || names.includes(subscriber);
  } catch {
    return true;
  }
}

/** What a message's subscribers asked for, when every one that is not done deferred it. */
export interface Deferral {
  seconds: number;
  reason: string;
  mode: DeferMode | undefined;
  /** The subscribers that deferred (undefined: keep the copy's existing targets). */
  subscribers: string[] | undefined;
}

/**
 * The deferral of a dispatched message: defined only when at least one subscriber deferred and every
 * subscriber that is not done deferred (a real failure among them wins: the message is retried).
 */
export function deferralOf(outcome: {
  statuses: Record<string, string>;
  errors: Record<string, unknown>;
}): Deferral | undefined {
  let found: Deferral | undefined;
  for (const [name, status] of Object.entries(outcome.statuses)) {
    if (status === 'done') continue;
    const error = outcome.errors[name];
    if (!isDeferral(error)) return undefined;
    found ??= { seconds: 0, reason: error.reason, mode: error.mode, subscribers: [] };
    if (error.seconds > found.seconds) {
      found.seconds = error.seconds;
      found.reason = error.reason;
      found.mode = error.mode ?? found.mode;
    }
    found.subscribers?.push(name);
  }
  return found;
}
