import type { Clock } from '../clock.js';
import type { LambdaContext } from './context.js';
import type { SqsEvent } from './event.js';

/** A Node.js Lambda handler: async (returns a promise) or callback style (a third parameter). */
export type LambdaHandler = (
  event: SqsEvent,
  context: LambdaContext,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

/** How one invocation ended. */
export type Invocation =
  | { kind: 'result'; value: unknown }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout'; timeoutMs: number };

/**
 * Invokes `handler` as Lambda's Node.js runtime does: a returned promise (or a value), the callback,
 * or the legacy `context.done/succeed/fail` — the first to complete wins; a synchronous throw or a
 * rejection is an error; nothing within `timeoutMs` is a timeout (the handler's work cannot be
 * killed in-process: it runs on, and its late result is ignored).
 */
export function invoke(
  handler: LambdaHandler,
  event: SqsEvent,
  makeContext: (complete: (error: unknown, result?: unknown) => void) => LambdaContext,
  timeoutMs: number,
  clock: Clock,
): Promise<Invocation> {
  return new Promise<Invocation>((resolve) => {
    let finished = false;
    const finish = (outcome: Invocation) => {
      if (finished) return;
      finished = true;
      timer.cancel();
      resolve(outcome);
    };
    const complete = (error: unknown, result?: unknown) =>
      finish(
        error === undefined || error === null ? { kind: 'result', value: result } : { kind: 'error', error },
      );
    const timer = clock.setTimeout(() => finish({ kind: 'timeout', timeoutMs }), timeoutMs);
    try {
      const returned = handler(event, makeContext(complete), complete);
      const callbackStyle = handler.length >= 3;
      if (returned !== null && typeof (returned as PromiseLike<unknown>)?.then === 'function')
        (returned as Promise<unknown>).then(
          (value) => finish({ kind: 'result', value }),
          (error) => finish({ kind: 'error', error }),
        );
      else if (!callbackStyle) finish({ kind: 'result', value: returned });
    } catch (error) {
      finish({ kind: 'error', error });
    }
  });
}
