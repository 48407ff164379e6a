/**
 * sqs-mega-broker/testing: an in-process broker for integration tests.
 *
 * ```ts
 * import { startTestBroker } from 'sqs-mega-broker/testing';
 * import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
 *
 * const broker = await startTestBroker();          // in memory, free port, silent
 * const sqs = new SQSClient(broker.clientConfig);   // endpoint, region, dummy credentials
 * // ... your test ...
 * await broker.stop();
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Clock, TestClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { type Broker, type BrokerOptions, startBroker } from '../server.js';
import { type CreatedQueue, createQueues, type QueueSpec } from './queues.js';

export { TestClock } from '../clock.js';
export * from './queues.js';
export * from './wait.js';

/** Options of {@link startTestBroker}: those of the broker, with test-friendly defaults. */
export interface TestBrokerOptions extends BrokerOptions {
  /**
   * `'manual'` gives the broker a {@link TestClock} (time moves only with `clock.advance(ms)`);
   * a Clock is used as is. Default: the system clock.
   */
  time?: 'manual' | Clock;
  /** Queues to create at start (see {@link QueueSpec}); found in `broker.queues` by name. */
  queues?: QueueSpec[];
  /**
   * Serve moto's and LocalStack's reset routes (see {@link BrokerOptions.allowReset}). Default true
   * here, a test broker being the suite's own; `broker.reset()` works either way.
   */
  allowReset?: boolean;
}

/** A broker started for a test, with the settings an AWS SDK client needs to reach it. */
export interface TestBroker extends Broker {
  /** `{ endpoint, region, credentials }`: pass to `new SQSClient(...)` / `new SNSClient(...)`. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** The manual clock, when started with `time: 'manual'`. */
  readonly testClock: TestClock | undefined;
  /** An SQS client pointed at the broker (destroyed by `stop()`). */
  readonly sqsClient: SQSClient;
  /** The queues created from `options.queues`, by name. */
  readonly queues: Record<string, CreatedQueue>;
}

/**
 * Starts a broker for tests: in memory (the heap engine), on a free loopback port, logging silenced —
 * each default can be overridden with the broker's own options.
 *
 * With the environment variable `MEGA_TEST_STORE=sqlite` (or `logged`), a broker started without
 * `dataDir` runs on that durable engine instead, in a fresh temporary directory removed by `stop()`:
 * the same tests then check every engine.
 */
export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const testClock = options.time === 'manual' ? new TestClock() : undefined;
  const clock = testClock ?? (typeof options.time === 'object' ? options.time : options.clock);
  const region = options.region ?? 'us-east-1';
  const testStore = process.env.MEGA_TEST_STORE;
  const durable =
    options.dataDir === undefined &&
    options.inMemory === undefined &&
    (testStore === 'sqlite' || testStore === 'logged');
  const tempDir = durable ? await mkdtemp(join(tmpdir(), 'mega-test-')) : undefined;
  const broker = await startBroker({
    inMemory: options.dataDir === undefined,
    port: 0,
    logger: createLogger(process.env.MEGA_LOG_LEVEL ?? 'silent'),
    allowReset: true,
    ...options,
    ...(tempDir === undefined
      ? {}
      : { inMemory: false, dataDir: tempDir, engine: testStore === 'logged' ? 'logged' : 'sqlite' }),
    region,
    clock,
  });
  const clientConfig = {
    endpoint: broker.url,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const sqsClient = new SQSClient(clientConfig);
  const stopBroker = broker.stop.bind(broker);
  // a manual clock waits for the commits of an engine that writes on another thread
  const store = broker.sqs.store;
  const unhold = clock instanceof TestClock && store.busy ? clock.waitFor(() => store.busy?.()) : undefined;
  const queues = options.queues ? await createQueues(sqsClient, options.queues) : {};
  return Object.assign(broker, {
    testClock,
    clientConfig,
    sqsClient,
    queues,
    stop: async () => {
      unhold?.();
      sqsClient.destroy();
      await stopBroker();
      if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
    },
  });
}
