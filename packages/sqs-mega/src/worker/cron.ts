import { Cron } from 'croner';
import { parse } from 'yaml';
import type { Clock, Timer } from '../clock.js';

/** One periodic task of a `cron.yaml` (sqsd's format). */
export interface CronTask {
  /** Unique name; sent as `X-Aws-Sqsd-Taskname`. */
  name: string;
  /** Path POSTed to, relative to the worker's `url` (must start with `/`). */
  url: string;
  /** A cron expression, read in UTC: five fields as sqsd takes them (a sixth, leading seconds field is accepted too). */
  schedule: string;
}

/** A `cron.yaml` that cannot be used: `field` names what is wrong (`cron[1].schedule`, say). */
export class CronConfigError extends Error {
  override readonly name = 'CronConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * Reads a `cron.yaml` in sqsd's format:
 * ```yaml
 * version: 1
 * cron:
 *   - name: "backup"
 *     url: "/backup"
 *     schedule: "0 3 * * *"
 * ```
 * @throws {@link CronConfigError} naming the field: bad YAML, a version other than 1, a missing or
 * duplicate name, a url not starting with `/`, an invalid schedule.
 */
export function parseCronYaml(text: string): CronTask[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new CronConfigError('cron.yaml', `not valid YAML: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null) throw new CronConfigError('cron.yaml', 'must be a mapping');
  const { version, cron } = doc as { version?: unknown; cron?: unknown };
  if (version !== 1) throw new CronConfigError('version', `must be 1 (got ${JSON.stringify(version)})`);
  if (!Array.isArray(cron)) throw new CronConfigError('cron', 'must be a list of tasks');
  const seen = new Set<string>();
  return cron.map((entry: unknown, i) => {
    const at = `cron[${i}]`;
    const task = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    for (const key of ['name', 'url', 'schedule'])
      if (typeof task[key] !== 'string' || task[key] === '')
        throw new CronConfigError(`${at}.${key}`, 'is required (a non-empty string)');
    const { name, url, schedule } = task as unknown as CronTask;
    if (seen.has(name)) throw new CronConfigError(`${at}.name`, `duplicate task name ${name}`);
    seen.add(name);
    if (!url.startsWith('/')) throw new CronConfigError(`${at}.url`, `must start with / (got ${url})`);
    try {
      compile(schedule);
    } catch (error) {
      throw new CronConfigError(
        `${at}.schedule`,
        `invalid cron expression ${JSON.stringify(schedule)}: ${(error as Error).message}`,
      );
    }
    return { name, url, schedule };
  });
}

function compile(schedule: string): Cron {
  return new Cron(schedule, { timezone: 'UTC', paused: true });
}

/**
 * Fires each task at its scheduled instants on `clock` (UTC), calling `fire(task, scheduledAt)`;
 * returns the function that stops every timer.
 */
export function schedule(
  tasks: readonly CronTask[],
  clock: Clock,
  fire: (task: CronTask, scheduledAt: Date) => void,
): () => void {
  const timers = new Map<string, Timer>();
  let stopped = false;
  for (const task of tasks) {
    const cron = compile(task.schedule);
    const arm = (after: number) => {
      if (stopped) return;
      const next = cron.nextRun(new Date(after));
      if (!next) return;
      timers.set(
        task.name,
        clock.setTimeout(() => {
          fire(task, next);
          arm(next.getTime());
        }, next.getTime() - clock.now()),
      );
    };
    arm(clock.now());
  }
  return () => {
    stopped = true;
    for (const timer of timers.values()) timer.cancel();
  };
}
