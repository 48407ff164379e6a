import { type Clock, systemClock } from '../clock.js';
import { DeferError, type DeferMode, isDeferral } from '../listen/defer.js';
import { FatalError } from '../listen/errors.js';
import { TypedEvents } from '../listen/events.js';
import { type MessageContext, type Middleware, ProcessStatus } from '../listen/types.js';
import { count, FlowKeyError, FlowOptionError, positive } from './errors.js';
import { FailureWindow } from './window.js';

/** A circuit's state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** A state change of one circuit (the `circuit` event). */
export interface CircuitTransition {
  name: string;
  from: CircuitState;
  to: CircuitState;
  /** When, ms since the epoch (the breaker's clock). */
  at: number;
  /** Why, e.g. `5 consecutive failures` or `probe succeeded`. */
  reason: string;
  /** The failure that opened it, if any. */
  error?: unknown;
}

/** What one handler run gave: a status it returned, or the error it threw. */
export interface RunOutcome {
  status?: unknown;
  error?: unknown;
}

/** Options of {@link circuitBreaker}. Durations in ms; thresholds say their range. */
export interface CircuitBreakerOptions {
  /**
   * The downstream's name, one circuit each: a string, a function of the payload and context, or
   * (default) the subscriber's name.
   */
  name?: string | ((payload: unknown, context: MessageContext) => string);
  /** Consecutive failures that open the circuit, integer ≥ 1 (default 5). */
  failures?: number;
  /** Failure rate over `windowMs` that opens it, 0 < rate ≤ 1 (default: none, consecutive failures only). */
  failureRate?: number;
  /** Window of `failureRate`, ms (default 60,000). */
  windowMs?: number;
  /** Runs within the window before `failureRate` applies, integer ≥ 1 (default 10). */
  minRequests?: number;
  /** How long the circuit stays open before probing, ms (default 30,000). */
  cooldownMs?: number;
  /** Runs let through at once while half-open, integer ≥ 1 (default 1). */
  probes?: number;
  /** How deferred messages wait (default: the listener's `deferral.mode`). */
  mode?: DeferMode;
  /**
   * Whether a run failed the downstream (default: it threw anything but a `FatalError` or a
   * deferral, or returned `retry-later`/`retriable-error`).
   */
  isFailure?: (outcome: RunOutcome) => boolean;
  clock?: Clock;
}

/** A circuit breaker: its `middleware`, its circuits' states, and `circuit` events. */
export interface CircuitBreaker {
  /** The middleware to put on the listener or on the subscribers calling the downstream. */
  readonly middleware: Middleware;
  /** The state of circuit `name` (`closed` for one never seen). */
  state(name: string): CircuitState;
  /** Every circuit seen, with its state. */
  states(): Record<string, CircuitState>;
  /** Listens for state changes; returns the unsubscribe function. */
  on(event: 'circuit', fn: (transition: CircuitTransition) => void): () => void;
}

interface Circuit {
  state: CircuitState;
  consecutive: number;
  window: FailureWindow;
  openedAt: number;
  probing: number;
}

const defaultIsFailure = ({ status, error }: RunOutcome) =>
  error !== undefined
    ? !(error instanceof FatalError) && !isDeferral(error)
    : status === ProcessStatus.RETRY_LATER || status === ProcessStatus.RETRIABLE_ERROR;

/**
 * A circuit breaker per downstream: **closed** (runs pass; consecutive failures or a failure rate
 * open it), **open** (for `cooldownMs`: messages are deferred, not run, not failed), **half-open**
 * (up to `probes` runs let through: a success closes it, a failure reopens it). A failing run that
 * finds or leaves the circuit open is deferred too rather than failed, so the downstream's outage
 * never brings a message to the dead-letter queue (`DeferError`, see the listener's `deferral`).
 * @throws {@link FlowOptionError} at construction for a threshold or duration out of range.
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const clock = options.clock ?? systemClock;
  const failures = count('circuitBreaker.failures', options.failures ?? 5);
  const rate = options.failureRate;
  if (rate !== undefined && !(typeof rate === 'number' && rate > 0 && rate <= 1))
    throw new FlowOptionError('circuitBreaker.failureRate', rate, 'a number in (0, 1]');
  const windowMs = positive('circuitBreaker.windowMs', options.windowMs ?? 60_000);
  const minRequests = count('circuitBreaker.minRequests', options.minRequests ?? 10);
  const cooldownMs = positive('circuitBreaker.cooldownMs', options.cooldownMs ?? 30_000);
  const probes = count('circuitBreaker.probes', options.probes ?? 1);
  const isFailure = options.isFailure ?? defaultIsFailure;
  const naming = options.name;
  if (naming !== undefined && typeof naming !== 'function' && !(typeof naming === 'string' && naming))
    throw new FlowOptionError('circuitBreaker.name', naming, 'a non-empty string or a function');
  const events = new TypedEvents<{ circuit: CircuitTransition }>();
  const circuits = new Map<string, Circuit>();
  const circuit = (name: string) => {
    let c = circuits.get(name);
    if (!c) {
      c = { state: 'closed', consecutive: 0, window: new FailureWindow(windowMs), openedAt: 0, probing: 0 };
      circuits.set(name, c);
    }
    return c;
  };
  const move = (name: string, c: Circuit, to: CircuitState, reason: string, error?: unknown) => {
    const from = c.state;
    c.state = to;
    const at = clock.now();
    if (to === 'open') c.openedAt = at;
    if (to === 'closed') {
      c.consecutive = 0;
      c.window.clear();
    }
    events.emit('circuit', { name, from, to, at, reason, ...(error === undefined ? {} : { error }) });
  };
  // Open: until the cool-down ends; half-open (a probe under way): one more cool-down.
  const deferral = (name: string, c: Circuit) =>
    new DeferError(
      c.state === 'open' ? Math.max(1, (c.openedAt + cooldownMs - clock.now()) / 1000) : cooldownMs / 1000,
      `circuit ${name} is ${c.state}`,
      options.mode,
    );
  const nameOf = (payload: unknown, context: MessageContext): string => {
    if (typeof naming === 'string') return naming;
    if (naming === undefined) return context.subscriber;
    try {
      return String(naming(payload, context));
    } catch (error) {
      throw new FlowKeyError('circuitBreaker.name', error);
    }
  };

  const middleware: Middleware = (next) => async (payload, context) => {
    const name = nameOf(payload, context);
    const c = circuit(name);
    if (c.state === 'open' && clock.now() >= c.openedAt + cooldownMs)
      move(name, c, 'half-open', 'cool-down over');
    if (c.state === 'open') throw deferral(name, c);
    const probe = c.state === 'half-open';
    if (probe) {
      if (c.probing >= probes) throw deferral(name, c);
      c.probing++;
    }
    let outcome: RunOutcome;
    try {
      outcome = { status: await next(payload, context) };
    } catch (error) {
      outcome = { error };
    }
    if (probe) c.probing--;
    const failed = isFailure(outcome);
    if (probe && c.state === 'half-open') {
      if (failed) move(name, c, 'open', 'probe failed', outcome.error);
      else if (!isDeferral(outcome.error)) move(name, c, 'closed', 'probe succeeded');
    } else if (c.state === 'closed' && !isDeferral(outcome.error)) {
      const now = clock.now();
      c.window.record(now, failed);
      c.consecutive = failed ? c.consecutive + 1 : 0;
      const { total, failed: bad } = c.window.totals(now);
      if (failed && c.consecutive >= failures)
        move(name, c, 'open', `${c.consecutive} consecutive failures`, outcome.error);
      else if (failed && rate !== undefined && total >= minRequests && bad / total >= rate)
        move(name, c, 'open', `failure rate ${bad}/${total} over ${windowMs} ms`, outcome.error);
    }
    // A failure that finds or leaves the circuit open waits for it rather than failing the message.
    if (failed && c.state !== 'closed') throw deferral(name, c);
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.status;
  };

  return {
    middleware,
    state: (name) => circuits.get(name)?.state ?? 'closed',
    states: () => Object.fromEntries([...circuits].map(([name, c]) => [name, c.state])),
    on: (event, fn) => events.on(event, fn),
  };
}
