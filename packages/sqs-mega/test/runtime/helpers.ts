import { after, before } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Listener, SqsPublisher } from 'sqs-mega';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from 'sqs-mega-broker/testing';

/**
 * One broker for a test file (started before its tests, stopped after them), and the listeners and
 * clients its tests make, stopped (`stop({ abort: true })`) and destroyed with it. `started` runs once the broker is up.
 */
export function brokerForFile(options?: TestBrokerOptions, started?: (broker: TestBroker) => void) {
  const listeners: Listener[] = [];
  const clients: SQSClient[] = [];
  const fixture = {
    broker: undefined as unknown as TestBroker,
    /** Listeners pushed here are stopped after the file's tests. */
    listeners,
    /** A new SQS client for the broker, destroyed after the file's tests. */
    client(): SQSClient {
      const client = new SQSClient(fixture.broker.clientConfig);
      clients.push(client);
      return client;
    },
  };
  before(async () => {
    fixture.broker = await startTestBroker(options);
    started?.(fixture.broker);
  });
  after(async () => {
    // abort: a teardown need not wait for long polls to land (nor can it, on a manual clock)
    await Promise.all(listeners.map((l) => l.stop({ abort: true })));
    for (const client of clients) client.destroy();
    await fixture.broker.stop();
  });
  return fixture;
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Publishes `payloads` to a queue (batched) and resolves with their message ids. */
export async function publishAll(
  client: SQSClient,
  queueUrl: string,
  payloads: unknown[],
): Promise<string[]> {
  const publisher = new SqsPublisher({ client, queueUrl, groupId: (p) => (p as { group?: string }).group });
  const results = await Promise.all(payloads.map((p) => publisher.publish(p)));
  return results.map((r) => r.messageId);
}

/** Counts the AWS commands a client sends, by name. */
export function countCommands(client: SQSClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: `count-${Math.random()}` },
  );
  return counts;
}
