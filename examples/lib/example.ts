// The shape every example shares: `start(env)` sets up what it needs, runs until `stop()`, and counts
// what happened; `main()` runs one on its own, against MEGA_ENDPOINT or a fresh in-memory broker.
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startBroker } from 'sqs-mega-broker';
import { type Printer, terminal } from './terminal.js';

/** What an example runs against. */
export interface ExampleEnv {
  sqs: SQSClient;
  sns: SNSClient;
  print: Printer;
  /** Milliseconds between two publishes of a producer (default 1500: a modest, readable rate). */
  intervalMs?: number;
}

/** A running example. */
export interface Running {
  /** Counters of what happened, by name. */
  readonly stats: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

export type Example = (env: ExampleEnv) => Promise<Running>;

/** AWS SDK clients for an endpoint (dummy credentials: the local broker does not check them). */
export function clientsFor(endpoint: string, region = 'us-east-1') {
  const config = { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return { sqs: new SQSClient(config), sns: new SNSClient(config) };
}

/** Named counters, all starting at 0. */
export function counters<K extends string>(...names: K[]): Record<K, number> {
  return Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>;
}

/** Runs one example on its own until Ctrl-C. */
export async function main(example: Example, name: string): Promise<void> {
  const print = terminal();
  let endpoint = process.env.MEGA_ENDPOINT;
  const broker = endpoint ? undefined : await startBroker({ port: 0, inMemory: true, logger: undefined });
  endpoint ??= broker?.url as string;
  print(
    'info',
    name,
    `against ${endpoint}${broker ? ' (an in-memory broker of its own)' : ''}; Ctrl-C stops`,
  );
  const { sqs, sns } = clientsFor(endpoint);
  const running = await example({ sqs, sns, print });
  const stop = async () => {
    await running.stop();
    sqs.destroy();
    sns.destroy();
    await broker?.stop();
    print('info', name, `stopped: ${JSON.stringify({ ...running.stats })}`);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** True when this module is the program being run (not imported). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && url.endsWith(process.argv[1].replace(/\\/g, '/'));
}

/** Calls `fn` every `ms` until stopped; errors are printed, never thrown. */
export function every(
  ms: number,
  fn: () => Promise<void>,
  onError: (e: unknown) => void,
): () => Promise<void> {
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    current = fn().catch(onError);
  }, ms);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
