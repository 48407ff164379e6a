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
    const expired = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => {
        const error = new HandlerTimeoutError(ms);
        controller.abort(error);
        reject(error);
      }, ms);
    });
    try {
      return await Promise.race([
        Promise.resolve(next(payload, { ...context, signal: controller.signal })),
        expired,
      ]);
    } finally {
      timer?.cancel();
      context.signal.removeEventListener('abort', forward);
    }
  };
}
