import type { ActionOutput } from '../../action-outputs.js';
import type { SnsOutputs } from '../../sns/actions/outputs.js';
import { type ActionSchemasFor, list, map, type ServiceSchema, struct } from './schema.js';

/**
 * SNS, API version 2010-03-31 (Query only): the actions the broker implements (`sns/actions/`), no
 * more (the router refuses any other before decoding it), each output with every member of its SDK
 * output: `test/wire-query-schemas.test.ts` and the compiler ({@link ActionSchemasFor}) hold them so.
 * Generated from the member lists of `@aws-sdk/client-sns`'s schemas (`dist-es/schemas/schemas_0.js`),
 * then shared shapes named: an action implemented later takes its entry from there. Nothing in SNS
 * is flattened: lists are `Name.member.N`, maps `Name.entry.N.key`/`.value` (message attributes:
 * `.Name`/`.Value.DataType`, …).
 */

const stringMap = map('string');
const tagList = list(struct({ Key: 'string', Value: 'string' }));
const messageAttributes = map(
  struct({ DataType: 'string', StringValue: 'string', BinaryValue: 'blob' }),
  'Name',
  'Value',
);
const subscriptionList = list(
  struct({
    SubscriptionArn: 'string',
    Owner: 'string',
    Protocol: 'string',
    Endpoint: 'string',
    TopicArn: 'string',
  }),
);

/** The SNS Query schema. */
export const snsSchema: ServiceSchema = {
  xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  actions: {
    ConfirmSubscription: {
      input: { TopicArn: 'string', Token: 'string', AuthenticateOnUnsubscribe: 'string' },
      output: { SubscriptionArn: 'string' },
    },
    CreateTopic: {
      input: { Name: 'string', Attributes: stringMap, Tags: tagList, DataProtectionPolicy: 'string' },
      output: { TopicArn: 'string' },
    },
    DeleteTopic: { input: { TopicArn: 'string' } },
    GetSubscriptionAttributes: { input: { SubscriptionArn: 'string' }, output: { Attributes: stringMap } },
    GetTopicAttributes: { input: { TopicArn: 'string' }, output: { Attributes: stringMap } },
    ListSubscriptions: {
      input: { NextToken: 'string' },
      output: { Subscriptions: subscriptionList, NextToken: 'string' },
    },
    ListSubscriptionsByTopic: {
      input: { TopicArn: 'string', NextToken: 'string' },
      output: { Subscriptions: subscriptionList, NextToken: 'string' },
    },
    ListTagsForResource: { input: { ResourceArn: 'string' }, output: { Tags: tagList } },
    ListTopics: {
      input: { NextToken: 'string' },
      output: { Topics: list(struct({ TopicArn: 'string' })), NextToken: 'string' },
    },
    Publish: {
      input: {
        Message: 'string',
        TopicArn: 'string',
        TargetArn: 'string',
        PhoneNumber: 'string',
        Subject: 'string',
        MessageStructure: 'string',
        MessageAttributes: messageAttributes,
        MessageDeduplicationId: 'string',
        MessageGroupId: 'string',
      },
      output: { MessageId: 'string', SequenceNumber: 'string' },
    },
    PublishBatch: {
      input: {
        TopicArn: 'string',
        PublishBatchRequestEntries: list(
          struct({
            Id: 'string',
            Message: 'string',
            Subject: 'string',
            MessageStructure: 'string',
            MessageAttributes: messageAttributes,
            MessageDeduplicationId: 'string',
            MessageGroupId: 'string',
          }),
        ),
      },
      output: {
        Successful: list(struct({ Id: 'string', MessageId: 'string', SequenceNumber: 'string' })),
        Failed: list(struct({ Id: 'string', Code: 'string', SenderFault: 'boolean', Message: 'string' })),
      },
    },
    SetSubscriptionAttributes: {
      input: { SubscriptionArn: 'string', AttributeName: 'string', AttributeValue: 'string' },
    },
    SetTopicAttributes: { input: { TopicArn: 'string', AttributeName: 'string', AttributeValue: 'string' } },
    Subscribe: {
      input: {
        TopicArn: 'string',
        Protocol: 'string',
        Endpoint: 'string',
        Attributes: stringMap,
        ReturnSubscriptionArn: 'boolean',
      },
      output: { SubscriptionArn: 'string' },
    },
    TagResource: { input: { ResourceArn: 'string', Tags: tagList }, output: {} },
    Unsubscribe: { input: { SubscriptionArn: 'string' } },
    UntagResource: { input: { ResourceArn: 'string', TagKeys: list('string') }, output: {} },
  } satisfies ActionSchemasFor<{ [A in keyof SnsOutputs]: ActionOutput<SnsOutputs[A]> }>,
};
