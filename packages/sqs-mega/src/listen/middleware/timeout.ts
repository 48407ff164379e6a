import { type Clock, systemClock } from '../../clock.js';
import { HandlerTimeoutError } from '../errors.js';
import type { Middleware } from '../types.js';

/**
 * Handler timeout: after `ms`, aborts the handler's `signal` and fails the run with a
 * {@link HandlerTimeoutError} (retriable by default). The handler sees a signal that also aborts
 * when the listener's does.
 */
export function timeout(ms: number, clock: Clock = systemClock): Middleware {
  return (next) => async (payload, context) => {
    const controller = new AbortController();
    const forward = () => controller.abort(context.signal.reason);
    context.signal.addEventListener('abort', forward, { once: true });
    let timer: { cancel(): void } | undefined;
    let timedOut: HandlerTimeoutError | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => {
        timedOut = new HandlerTimeoutError(ms);
        controller.abort(timedOut);
        reject(timedOut);
      }, ms);
    });
    expired.catch(() => {});
    try {
      const next$ = Promise.resolve(next(payload, { ...context, signal: controller.signal }));
      const status = await Promise.race([next$, expired]);
      // A handler that returns when its signal aborts still ran out of time.
      if (timedOut) throw timedOut;
      return status;
    } finally {
      timer?.cancel();
      context.signal.removeEventListener('abort', forward);
    }
  };
}
