import { pino } from 'pino';

/** The broker's structured logger (pino). */
export type Logger = pino.Logger;

/**
 * Creates the broker logger. The level comes from `level`, else `MEGA_LOG_LEVEL`, else `info`;
 * `silent` turns logging off (tests).
 */
export function createLogger(level?: string): Logger {
  return pino({ name: 'mega', level: level ?? process.env.MEGA_LOG_LEVEL ?? 'info' });
}
