import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqsPublisher } from 'sqs-mega';

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
