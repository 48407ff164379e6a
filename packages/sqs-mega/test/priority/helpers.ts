import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Listener } from 'sqs-mega';

/** Every SQS command a client sends, with its input (recorded before it is sent). */
export interface SentCommand {
  name: string;
  input: {
    QueueUrl?: string;
    WaitTimeSeconds?: number;
    MaxNumberOfMessages?: number;
    Entries?: { ReceiptHandle?: string; VisibilityTimeout?: number }[];
  };
}

/** Records the commands `client` sends (names without `Command`). */
export function recordCommands(client: SQSClient): SentCommand[] {
  const sent: SentCommand[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push({
        name: String(context.commandName).replace(/Command$/, ''),
        input: args.input as SentCommand['input'],
      });
      return next(args);
    },
    { step: 'initialize', name: `record-${Math.random()}` },
  );
  return sent;
}

/** The queue URL of each `received` event, in order. */
export function receivedFrom(listener: Listener): string[] {
  const order: string[] = [];
  listener.on('received', (e) => order.push(e.queueUrl));
  return order;
}

/** How many of `list` equal `value`. */
export function count<T>(list: readonly T[], value: T): number {
  return list.filter((x) => x === value).length;
}
