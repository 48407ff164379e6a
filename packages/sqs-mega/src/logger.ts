/**
 * The logger the runtime writes to: the subset of pino's API it uses, so a pino logger (or anything
 * shaped like it) can be passed as is. Library code never writes to the console.
 */

/** One log method: `(fields, message)` or `(message)`, as in pino. */
export interface LogFn {
  (fields: Record<string, unknown>, message?: string): void;
  (message: string): void;
}

/** A pino-compatible logger. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => {};

/** The default logger: writes nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** A writable the JSON-lines logger can write to (e.g. `process.stderr`). */
export interface LineSink {
  write(line: string): unknown;
}

/**
 * A tiny JSON-lines logger: one object per line, pino's field names (`level`, `time`, `msg`).
 * @param sink - where lines go, e.g. `process.stderr`.
 * @param level - the lowest level written (default `info`).
 */
export function jsonLinesLogger(sink: LineSink, level: keyof typeof LEVELS = 'info'): Logger {
  const min = LEVELS[level];
  const make =
    (name: keyof typeof LEVELS): LogFn =>
    (fields: Record<string, unknown> | string, message?: string) => {
      if (LEVELS[name] < min) return;
      const record =
        typeof fields === 'string' ? { msg: fields } : { ...fields, ...(message ? { msg: message } : {}) };
      sink.write(`${safeJson({ level: LEVELS[name], time: Date.now(), ...record })}\n`);
    };
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}

function safeJson(value: Record<string, unknown>): string {
  return JSON.stringify(value, (_key, v) =>
    v instanceof Error ? { name: v.name, message: v.message } : typeof v === 'bigint' ? String(v) : v,
  );
}
