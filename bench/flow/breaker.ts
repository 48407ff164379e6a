// Dead downstream: the downstream fails every call for `downSeconds`, behind a circuitBreaker.
// Counts the calls that reach it while the circuit is open or half-open, per cool-down interval,
// and the messages dead-lettered.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Listener, RetriableError } from 'sqs-mega';
import { type CircuitState, circuitBreaker } from 'sqs-mega/flow';
import type { ClientConfig } from '../consume/runners.js';

export interface BreakerFigures {
  messages: number;
  handled: number;
  callsFailedWhileClosed: number;
  callsWhileOpen: number;
  /** Calls while half-open, one list entry per half-open period. */
  probesPerCooldown: number[];
  openings: number;
  deadLettered: number;
  dlqMessages: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function deadDownstream(
  config: ClientConfig,
  name: string,
  options: { messages: number; downSeconds: number; cooldownMs: number },
): Promise<BreakerFigures> {
  const client = new SQSClient(config);
  const create = async (q: string, attributes?: Record<string, string>) =>
    (await client.send(new CreateQueueCommand({ QueueName: q, Attributes: attributes }))).QueueUrl ?? '';
  const dlqUrl = await create(`${name}-dlq`);
  const dlqArn =
    (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn ?? '';
  const queueUrl = await create(name, {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
  });
  const delayedQueueUrl = await create(`${name}-delayed`, {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
  });
  const breaker = circuitBreaker({ failures: 5, cooldownMs: options.cooldownMs });
  let state: CircuitState = 'closed';
  const probes: number[] = [];
  let openings = 0;
  breaker.on('circuit', ({ to }) => {
    state = to;
    if (to === 'half-open') probes.push(0);
    if (to === 'open') openings++;
  });
  const listener = new Listener({
    client,
    queueUrl,
    waitTimeSeconds: 1,
    backoff: { initialMs: 100, maxMs: 500 },
    deferral: { delayedQueueUrl },
  });
  const start = Date.now();
  const upAt = start + options.downSeconds * 1000;
  let handled = 0;
  let failedClosed = 0;
  let whileOpen = 0;
  listener
    .subscribe(
      undefined,
      async () => {
        if (state === 'open') whileOpen++;
        if (state === 'half-open') probes[probes.length - 1] = (probes.at(-1) ?? 0) + 1;
        if (Date.now() < upAt) {
          if (state === 'closed') failedClosed++;
          throw new RetriableError('downstream: 503');
        }
        handled++;
      },
      { name: 'downstream', middleware: [breaker.middleware] },
    )
    .start();
  for (let i = 0; i < options.messages; i += 10)
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify({ i: i + j }),
        })),
      }),
    );
  const until = Date.now() + 60_000 + options.downSeconds * 1000;
  while (handled < options.messages && Date.now() < until) await sleep(50);
  const seconds = (Date.now() - start) / 1000;
  const stats = listener.stats;
  await listener.stop({ abort: true });
  const dlq = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  client.destroy();
  return {
    messages: options.messages,
    handled,
    callsFailedWhileClosed: failedClosed,
    callsWhileOpen: whileOpen,
    probesPerCooldown: probes,
    openings,
    deadLettered: stats['dead-lettered'],
    dlqMessages: Number(dlq.Attributes?.ApproximateNumberOfMessages ?? 0),
    seconds,
  };
}
