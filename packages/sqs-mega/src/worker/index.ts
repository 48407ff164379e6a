export { CronConfigError, type CronTask, parseCronYaml } from './cron.js';
export { PERIODIC_ATTRIBUTES, type PeriodicTask, sqsdHeaders, USER_AGENT } from './headers.js';
export * from './worker.js';
