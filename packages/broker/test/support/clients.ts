// Both wire protocols, through real AWS SDK clients: the latest @aws-sdk/client-sqs speaks JSON 1.0,
// @aws-sdk/client-sqs@3.445.0 (installed as `sqs-query-client`) speaks Query/XML. A suite written once
// against `Sqs` runs over each.

import { after, before, describe } from 'node:test';
import * as jsonSdk from '@aws-sdk/client-sqs';
import {
  startTestBroker,
  type TestBroker,
  type TestBrokerOptions,
  type TestClock,
} from 'sqs-mega-broker/testing';
import * as querySdk from 'sqs-query-client';

export type Protocol = 'json' | 'query';
export const PROTOCOLS: Protocol[] = ['json', 'query'];

// biome-ignore lint/suspicious/noExplicitAny: test convenience: outputs are asserted field by field
type Any = any;

/** An SQS client of one protocol, called by action name. */
export interface Sqs {
  protocol: Protocol;
  call(action: string, input?: Record<string, unknown>): Promise<Any>;
  /** The error an action fails with (fails the test if it succeeds). */
  error(action: string, input?: Record<string, unknown>): Promise<Any>;
  destroy(): void;
}

export function sqsClient(broker: TestBroker, protocol: Protocol, region?: string): Sqs {
  const sdk: Any = protocol === 'json' ? jsonSdk : querySdk;
  const client = new sdk.SQSClient({
    ...broker.clientConfig,
    region: region ?? broker.clientConfig.region,
    maxAttempts: 1,
  });
  const call = (action: string, input: Record<string, unknown> = {}) => {
    const Command = sdk[`${action}Command`];
    if (!Command) throw new Error(`no command ${action}`);
    return client.send(new Command(input));
  };
  return {
    protocol,
    call,
    async error(action, input) {
      try {
        await call(action, input);
      } catch (error) {
        // Older Query clients name errors their operation does not model by the raw Query code
        // (e.g. AWS.SimpleQueueService.NonExistentQueue); report the model name for both protocols.
        const e = error as Any;
        e.name = QUERY_CODES[e.name] ?? e.name;
        return e;
      }
      throw new Error(`${action} succeeded, an error was expected`);
    },
    destroy: () => client.destroy(),
  };
}

/** What a suite written once for both protocols gets: its protocol's client, the broker, the clock. */
export interface ProtocolSuite {
  protocol: Protocol;
  sqs(): Sqs;
  env(): Awaited<ReturnType<typeof setup>>;
  /** The broker's manual clock (suites start their broker with `time: 'manual'` by default). */
  clock(): TestClock;
}

/**
 * A describe block with one broker (manual clock unless `options` say otherwise) whose body runs once
 * per wire protocol, with a real SDK client speaking that protocol.
 */
export function describeOverProtocols(
  title: string,
  body: (suite: ProtocolSuite) => void,
  options: TestBrokerOptions = { time: 'manual' },
): void {
  describe(title, () => {
    let env: Awaited<ReturnType<typeof setup>>;
    before(async () => {
      env = await setup(options);
    });
    after(() => env.teardown());
    for (const protocol of PROTOCOLS) {
      describe(`over ${protocol}`, () =>
        body({
          protocol,
          sqs: () => env.clients[protocol],
          env: () => env,
          clock: () => env.broker.testClock as TestClock,
        }));
    }
  });
}

/** A broker and one client per protocol, for a describe block. */
export async function setup(options: TestBrokerOptions = {}) {
  const broker = await startTestBroker(options);
  const clients = Object.fromEntries(PROTOCOLS.map((p) => [p, sqsClient(broker, p)])) as Record<
    Protocol,
    Sqs
  >;
  return {
    broker,
    clients,
    async teardown() {
      for (const c of Object.values(clients)) c.destroy();
      await broker.stop();
    },
  };
}

const QUERY_CODES: Record<string, string> = {
  'AWS.SimpleQueueService.NonExistentQueue': 'QueueDoesNotExist',
  QueueAlreadyExists: 'QueueNameExists',
  'AWS.SimpleQueueService.PurgeQueueInProgress': 'PurgeQueueInProgress',
  'AWS.SimpleQueueService.QueueDeletedRecently': 'QueueDeletedRecently',
  'AWS.SimpleQueueService.MessageNotInflight': 'MessageNotInflight',
  'AWS.SimpleQueueService.UnsupportedOperation': 'UnsupportedOperation',
  'AWS.SimpleQueueService.TooManyEntriesInBatchRequest': 'TooManyEntriesInBatchRequest',
  'AWS.SimpleQueueService.EmptyBatchRequest': 'EmptyBatchRequest',
  'AWS.SimpleQueueService.BatchEntryIdsNotDistinct': 'BatchEntryIdsNotDistinct',
  'AWS.SimpleQueueService.InvalidBatchEntryId': 'InvalidBatchEntryId',
  'AWS.SimpleQueueService.BatchRequestTooLong': 'BatchRequestTooLong',
};

let counter = 0;
/** A fresh queue name. */
export function queueName(prefix = 'q'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

/** Waits until `predicate` holds (polling every 5 ms), failing after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
