import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { Listener, type ListenerOptions, SqsPublisher } from 'sqs-mega';

export type ClientConfig = SQSClientConfig;

/** Fills a queue with `count` small JSON messages (batched, 50 batches in flight). */
export async function fill(config: ClientConfig, queueUrl: string, count: number): Promise<void> {
  const client = new SQSClient(config);
  const publisher = new SqsPublisher({ client, queueUrl });
  const body = { kind: 'bench', padding: 'x'.repeat(200) };
  for (let sent = 0; sent < count; sent += 500) {
    const n = Math.min(500, count - sent);
    await Promise.all(Array.from({ length: n }, (_, i) => publisher.publish({ ...body, i: sent + i })));
  }
  client.destroy();
}

/** Creates a fresh queue (one per run: PurgeQueue is limited to once a minute). */
export async function freshQueue(config: ClientConfig, name: string): Promise<string> {
  const client = new SQSClient(config);
  const out = await client.send(new CreateQueueCommand({ QueueName: name }));
  client.destroy();
  return out.QueueUrl ?? '';
}

/** How {@link listenerRate} runs its Listener. */
export interface ListenerRun {
  concurrency: number;
  /** More Listener options (middleware, instrumentation…). */
  extra?: Partial<ListenerOptions>;
  /** The handler (default: a no-op). */
  handler?: (payload: never, context: never) => unknown;
  /** Runs once the listener has started (e.g. publishes what it consumes). */
  during?: () => Promise<void>;
  /** Whether the time includes `stop()`, which flushes the last deletes (default true). */
  timeStop?: boolean;
}

/**
 * Runs a Listener on `queueUrl` until it has processed `count` messages; resolves with messages/s.
 * The one consume loop of the benches (consume, middleware overhead, end to end, worker pool).
 */
export async function listenerRate(
  config: ClientConfig,
  queueUrl: string,
  count: number,
  run: ListenerRun,
): Promise<number> {
  const client = new SQSClient(config);
  const listener = new Listener({
    client,
    queueUrl,
    concurrency: run.concurrency,
    waitTimeSeconds: 1,
    heartbeatSeconds: false,
    ...run.extra,
  });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  listener.subscribe(undefined, (run.handler ?? (() => {})) as never);
  listener.on('processed', () => {
    if (++done === count) finish();
  });
  const started = performance.now();
  listener.start();
  await run.during?.();
  await finished;
  const beforeStop = performance.now();
  await listener.stop();
  const seconds = ((run.timeStop === false ? beforeStop : performance.now()) - started) / 1000;
  client.destroy();
  return count / seconds;
}

/** Consumes `count` messages with our listener and a no-op handler; resolves with messages/s. */
export function runOurs(
  config: ClientConfig,
  queueUrl: string,
  count: number,
  concurrency: number,
): Promise<number> {
  return listenerRate(config, queueUrl, count, { concurrency });
}

/** Consumes `count` messages with sqs-consumer (handleMessage, batchSize 10); resolves with messages/s. */
export async function runSqsConsumer(config: ClientConfig, queueUrl: string, count: number): Promise<number> {
  const client = new SQSClient(config);
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const consumer = Consumer.create({
    queueUrl,
    sqs: client,
    batchSize: 10,
    waitTimeSeconds: 1,
    handleMessage: async (message) => {
      if (++done === count) finish();
      return message;
    },
  });
  const started = performance.now();
  consumer.start();
  await finished;
  // let its last deletes land before stopping the clock
  await new Promise<void>((resolve) => {
    consumer.once('stopped', () => resolve());
    consumer.stop({ abort: false });
  });
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return count / seconds;
}

/** Publish → handler latency on an idle system, one message at a time; resolves with sorted ms samples. */
export async function latency(config: ClientConfig, queueUrl: string, samples: number): Promise<number[]> {
  const client = new SQSClient(config);
  const publisher = new SqsPublisher({ client, queueUrl, derivedAttributes: false });
  const listener = new Listener({ client, queueUrl, concurrency: 10, heartbeatSeconds: false });
  let arrived!: (ms: number) => void;
  listener
    .subscribe(undefined, (payload) => arrived(performance.now() - (payload as { t: number }).t))
    .start();
  const out: number[] = [];
  for (let i = 0; i < samples + 50; i++) {
    const got = new Promise<number>((resolve) => {
      arrived = resolve;
    });
    await publisher.publish({ t: performance.now() });
    const ms = await got;
    if (i >= 50) out.push(ms); // the first 50 warm up connections and the JIT
    await new Promise((r) => setTimeout(r, 2));
  }
  await listener.stop();
  client.destroy();
  return out.sort((a, b) => a - b);
}

/**
 * The listener's ceiling: the same SQSClient with no framework — `pollers` loops each receiving 10
 * and deleting them in one batch — until `count` messages are consumed; resolves with messages/s.
 */
export async function runRaw(
  config: ClientConfig,
  queueUrl: string,
  count: number,
  pollers: number,
): Promise<number> {
  const client = new SQSClient(config);
  let done = 0;
  const loop = async (): Promise<void> => {
    while (done < count) {
      const out = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) continue;
      done += messages.length;
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: pollers }, loop));
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return count / seconds;
}

/**
 * End to end (publish → processed) with the Listener at `concurrency` and a no-op handler, the
 * publisher filling the queue while the listener drains it; resolves with messages/s.
 */
export async function runOursEndToEnd(
  config: ClientConfig,
  queueUrl: string,
  count: number,
  concurrency: number,
  payload: object,
  extra?: Partial<ListenerOptions>,
): Promise<number> {
  const client = new SQSClient(config);
  const publisher = new SqsPublisher({ client, queueUrl, derivedAttributes: false });
  try {
    return await listenerRate(config, queueUrl, count, {
      concurrency,
      ...(extra ? { extra } : {}),
      timeStop: false,
      during: async () => {
        for (let sent = 0; sent < count; sent += 500) {
          const n = Math.min(500, count - sent);
          await Promise.all(
            Array.from({ length: n }, (_, i) => publisher.publish({ ...payload, i: sent + i })),
          );
        }
      },
    });
  } finally {
    client.destroy();
  }
}
