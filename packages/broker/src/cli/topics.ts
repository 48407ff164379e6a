import {
  GetTopicAttributesCommand,
  ListTopicsCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type Command, Option } from 'commander';
import { mergeQueuePolicy, snsQueuePolicyStatement, validateFilterPolicy } from 'sqs-mega';
import {
  type AttributeArg,
  attributeOption,
  type ClientOptions,
  clientAction,
  clientCommand,
  printJson,
  printRows,
  queueArn,
  queueUrl,
  readBody,
  topicArn,
  UsageError,
} from './common.js';
import { messageAttributes } from './messages.js';

/** `mega topics`, `mega publish` and `mega subscribe`. */

interface PublishOptions extends ClientOptions {
  file?: string;
  attribute?: AttributeArg[];
  subject?: string;
  groupId?: string;
  dedupId?: string;
}

interface SubscribeOptions extends ClientOptions {
  filterPolicy?: string;
  filterPolicyScope: 'MessageAttributes' | 'MessageBody';
  raw: boolean;
  queuePolicy: boolean;
}

const name = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

export function registerTopics(program: Command): void {
  clientCommand(program, 'topics', 'list SNS topics with their subscription counts').action(
    clientAction(async ({ sns }, options: ClientOptions) => {
      const arns: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await sns.send(new ListTopicsCommand({ NextToken }));
        for (const t of page.Topics ?? []) if (t.TopicArn) arns.push(t.TopicArn);
        NextToken = page.NextToken;
      } while (NextToken);
      const rows = await Promise.all(
        arns.map(async (arn) => {
          const { Attributes = {} } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
          return {
            name: name(arn),
            arn,
            subscriptions: Number(Attributes.SubscriptionsConfirmed ?? 0),
            pending: Number(Attributes.SubscriptionsPending ?? 0),
          };
        }),
      );
      printRows(rows, options.json, {
        empty: 'no topics',
        header: ['NAME', 'SUBSCRIPTIONS', 'PENDING', 'ARN'],
        cells: (r) => [r.name, String(r.subscriptions), String(r.pending), r.arn],
      });
    }),
  );

  clientCommand(program, 'publish', 'publish a message to an SNS topic')
    .argument('<topic>', 'topic name or ARN')
    .argument('[message]', 'message (or --file)')
    .option('--file <file>', 'read the message from a file ("-" for standard input)')
    .option(
      '--attribute <name[:Type]=value>',
      'message attribute, String unless a Type is given (repeatable)',
      attributeOption,
    )
    .option('--subject <subject>', 'subject (in the SNS envelope)')
    .option('--group-id <id>', 'message group id (FIFO topics)')
    .option('--dedup-id <id>', 'deduplication id (FIFO topics)')
    .action(
      clientAction(async ({ sns }, options: PublishOptions, topic: string, message: string | undefined) => {
        const Message = readBody(message, options.file);
        const TopicArn = await topicArn(sns, topic);
        const out = await sns.send(
          new PublishCommand({
            TopicArn,
            Message,
            Subject: options.subject,
            MessageAttributes: options.attribute ? messageAttributes(options.attribute) : undefined,
            MessageGroupId: options.groupId,
            MessageDeduplicationId: options.dedupId,
          }),
        );
        if (options.json) printJson({ messageId: out.MessageId, sequenceNumber: out.SequenceNumber });
        else console.log(out.MessageId);
      }),
    );

  clientCommand(program, 'subscribe', 'subscribe a queue to a topic')
    .argument('<topic>', 'topic name or ARN')
    .argument('<queue>', 'queue name or URL')
    .option('--filter-policy <json>', 'SNS filter policy (checked before it is sent)')
    .addOption(
      new Option('--filter-policy-scope <scope>', 'what the filter policy applies to')
        .choices(['MessageAttributes', 'MessageBody'])
        .default('MessageAttributes'),
    )
    .option('--raw', 'raw message delivery (no SNS envelope)', false)
    .option(
      '--no-queue-policy',
      'do not add the queue policy statement that lets the topic send (needed on Amazon SQS)',
    )
    .action(
      clientAction(async ({ sqs, sns }, options: SubscribeOptions, topic: string, queue: string) => {
        if (options.filterPolicy !== undefined) {
          const check = validateFilterPolicy(options.filterPolicy, options.filterPolicyScope);
          if (!check.ok) throw new UsageError(`--filter-policy: ${check.error.reason}`);
        }
        const TopicArn = await topicArn(sns, topic);
        const url = await queueUrl(sqs, queue);
        const Endpoint = await queueArn(sqs, url);
        if (options.queuePolicy) {
          const read = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }),
          );
          const Policy = mergeQueuePolicy(read.Attributes?.Policy, [
            snsQueuePolicyStatement(name(TopicArn), TopicArn, Endpoint),
          ]);
          if (Policy)
            await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy } }));
        }
        const Attributes: Record<string, string> = {};
        if (options.filterPolicy !== undefined) {
          Attributes.FilterPolicy = options.filterPolicy;
          Attributes.FilterPolicyScope = options.filterPolicyScope;
        }
        if (options.raw) Attributes.RawMessageDelivery = 'true';
        const out = await sns.send(
          new SubscribeCommand({
            TopicArn,
            Protocol: 'sqs',
            Endpoint,
            Attributes,
            ReturnSubscriptionArn: true,
          }),
        );
        if (options.json)
          printJson({ subscriptionArn: out.SubscriptionArn, topicArn: TopicArn, queueArn: Endpoint });
        else console.log(out.SubscriptionArn);
      }),
    );
}
