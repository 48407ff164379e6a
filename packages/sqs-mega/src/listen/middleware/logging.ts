import type { Logger } from '../../logger.js';
import { isProcessStatus, type Middleware } from '../types.js';

/**
 * Logs each handler run: its status and duration at `debug`, a thrown error at `warn`, with the
 * message id and subscriber name.
 */
export function logging(logger: Logger): Middleware {
  return (next) => async (payload, context) => {
    const started = performance.now();
    const fields = {
      messageId: context.messageId,
      subscriber: context.subscriber,
      receiveCount: context.receiveCount,
    };
    try {
      const status = await next(payload, context);
      logger.debug(
        { ...fields, status: isProcessStatus(status) ? status : 'done', ms: performance.now() - started },
        'handled',
      );
      return status;
    } catch (error) {
      logger.warn({ ...fields, err: error, ms: performance.now() - started }, 'handler threw');
      throw error;
    }
  };
}
