// Load loops for the crash tests: each runs until `running()` is false, reaches the broker through
// `client()` (replaced after every restart), retries with a short pause while the broker is down and
// records in a Ledger only what the broker acknowledged with a 200.
import * as sns from '@aws-sdk/client-sns';
import { type Sqs, sqsClient } from './clients.js';
import type { Ledger } from './ledger.js';

const CREDENTIALS = { accessKeyId: 'a', secretAccessKey: 'b' };
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A JSON-protocol SQS client for a broker at `url`. */
export function sqsAt(url: string): Sqs {
  return sqsClient(
    { clientConfig: { endpoint: url, region: 'us-east-1', credentials: CREDENTIALS } } as never,
    'json',
  );
}

/** An SNS client for a broker at `url`, called by action name. */
export function snsAt(url: string) {
  const client = new sns.SNSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    // biome-ignore lint/suspicious/noExplicitAny: test convenience
    call: (action: string, input: Record<string, unknown>): Promise<any> =>
      // biome-ignore lint/suspicious/noExplicitAny: commands looked up by name
      client.send(new (sns as any)[`${action}Command`](input)),
    destroy: () => client.destroy(),
  };
}
export type Sns = ReturnType<typeof snsAt>;

/** Sends batches of 10 unique bodies (`<prefix>-<n>-<i>`). */
export async function produce(
  client: () => Sqs,
  queueUrl: string,
  ledger: Ledger,
  prefix: string,
  running: () => boolean,
) {
  for (let n = 0; running(); n++) {
    const entries = Array.from({ length: 10 }, (_, i) => ({
      Id: `e${i}`,
      MessageBody: `${prefix}-${n}-${i}`,
    }));
    try {
      const result = await client().call('SendMessageBatch', { QueueUrl: queueUrl, Entries: entries });
      for (const ok of result.Successful ?? [])
        ledger.ackedSends.add(entries[Number(ok.Id.slice(1))]!.MessageBody);
    } catch {
      await pause(20);
    }
  }
}

/**
 * Sends `g<g>:<seq>` to each of its groups in sequence, with deduplication ids; a batch is retried
 * with the same ids until acknowledged, so a group's messages are stored in sequence order.
 */
export async function produceFifo(
  client: () => Sqs,
  queueUrl: string,
  ledger: Ledger,
  groups: number[],
  running: () => boolean,
) {
  const next = new Map(groups.map((g) => [g, 0]));
  while (running()) {
    for (const [g, from] of next) {
      const entries = Array.from({ length: 5 }, (_, k) => {
        const body = `g${g}:${from + k}`;
        return { Id: `e${k}`, MessageBody: body, MessageGroupId: `g${g}`, MessageDeduplicationId: body };
      });
      while (running()) {
        try {
          const result = await client().call('SendMessageBatch', { QueueUrl: queueUrl, Entries: entries });
          for (const ok of result.Successful ?? [])
            ledger.ackedSends.add(entries[Number(ok.Id.slice(1))]!.MessageBody);
          if ((result.Failed ?? []).length === 0) break;
        } catch {
          // the broker is down or restarting: same batch, same deduplication ids
        }
        await pause(20);
      }
      next.set(g, from + entries.length);
    }
  }
}

/** Receives and deletes; `onReceive` sees every delivery. Records attempted and acknowledged deletes. */
export async function consume(
  client: () => Sqs,
  queueUrl: string,
  ledger: Ledger,
  running: () => boolean,
  onReceive: (body: string) => void = () => {},
) {
  while (running()) {
    try {
      const { Messages = [] } = await client().call('ReceiveMessage', {
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      });
      if (Messages.length === 0) continue;
      const entries = Messages.map((m: { ReceiptHandle: string }, i: number) => ({
        Id: `d${i}`,
        ReceiptHandle: m.ReceiptHandle,
      }));
      for (const m of Messages) {
        onReceive(m.Body);
        ledger.attemptedDeletes.add(m.Body);
      }
      const result = await client().call('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: entries });
      for (const ok of result.Successful ?? [])
        ledger.ackedDeletes.add(Messages[Number(ok.Id.slice(1))].Body);
    } catch {
      await pause(20);
    }
  }
}

/** Publishes batches of 10 `<prefix>-<n>-<i>` with a `kind` attribute cycling through `kinds`. */
export async function publish(
  client: () => Sns,
  topicArn: string,
  acked: Map<string, string>,
  prefix: string,
  kinds: string[],
  running: () => boolean,
) {
  for (let n = 0; running(); n++) {
    const entries = Array.from({ length: 10 }, (_, i) => ({
      Id: `e${i}`,
      Message: `${prefix}-${n}-${i}`,
      MessageAttributes: { kind: { DataType: 'String', StringValue: kinds[(n + i) % kinds.length] } },
    }));
    try {
      const result = await client().call('PublishBatch', {
        TopicArn: topicArn,
        PublishBatchRequestEntries: entries,
      });
      for (const ok of result.Successful ?? []) {
        const entry = entries[Number(ok.Id.slice(1))]!;
        acked.set(entry.Message, entry.MessageAttributes.kind.StringValue as string);
      }
    } catch {
      await pause(20);
    }
  }
}
