import { GetQueueAttributesCommand, ListQueuesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { type ClientOptions, clientAction, clientCommand, printJson, printRows, queueUrl } from './common.js';

/** `mega queues` and `mega purge`. */

const COUNTS = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

export function registerQueues(program: Command): void {
  clientCommand(program, 'queues', 'list queues with their visible, in-flight and delayed message counts')
    .argument('[prefix]', 'only queues whose name starts with this')
    .action(
      clientAction(async ({ sqs }, options: ClientOptions, prefix: string | undefined) => {
        const urls: string[] = [];
        let NextToken: string | undefined;
        do {
          const page = await sqs.send(
            new ListQueuesCommand({ QueueNamePrefix: prefix, NextToken, MaxResults: 1000 }),
          );
          urls.push(...(page.QueueUrls ?? []));
          NextToken = page.NextToken;
        } while (NextToken);
        const rows = await Promise.all(
          urls.map(async (url) => {
            const { Attributes = {} } = await sqs.send(
              new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...COUNTS] }),
            );
            return {
              name: url.slice(url.lastIndexOf('/') + 1),
              url,
              visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
              inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
              delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
            };
          }),
        );
        printRows(rows, options.json, {
          empty: 'no queues',
          header: ['NAME', 'VISIBLE', 'IN-FLIGHT', 'DELAYED'],
          cells: (r) => [r.name, String(r.visible), String(r.inFlight), String(r.delayed)],
        });
      }),
    );

  clientCommand(program, 'purge', 'delete every message of a queue')
    .argument('<queue>', 'queue name or URL')
    .action(
      clientAction(async ({ sqs }, options: ClientOptions, queue: string) => {
        const url = await queueUrl(sqs, queue);
        await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
        if (options.json) printJson({ purged: url });
        else console.log(`purged ${queue}`);
      }),
    );
}
