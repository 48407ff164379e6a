import { list, map, type ServiceSchema, struct } from './schema.js';

/**
 * SNS, API version 2010-03-31 (Query only). Generated from the member lists of
 * `@aws-sdk/client-sns`'s schemas (`dist-es/schemas/schemas_0.js`), then shared shapes named.
 * Nothing in SNS is flattened: lists are `Name.member.N`, maps `Name.entry.N.key`/`.value`
 * (message attributes: `.Name`/`.Value.DataType`, …). Timestamps (SMS sandbox only) pass as strings.
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
    AddPermission: {
      input: {
        TopicArn: 'string',
        Label: 'string',
        AWSAccountId: list('string'),
        ActionName: list('string'),
      },
    },
    CheckIfPhoneNumberIsOptedOut: { input: { phoneNumber: 'string' }, output: { isOptedOut: 'boolean' } },
    ConfirmSubscription: {
      input: { TopicArn: 'string', Token: 'string', AuthenticateOnUnsubscribe: 'string' },
      output: { SubscriptionArn: 'string' },
    },
    CreatePlatformApplication: {
      input: { Name: 'string', Platform: 'string', Attributes: stringMap },
      output: { PlatformApplicationArn: 'string' },
    },
    CreatePlatformEndpoint: {
      input: {
        PlatformApplicationArn: 'string',
        Token: 'string',
        CustomUserData: 'string',
        Attributes: stringMap,
      },
      output: { EndpointArn: 'string' },
    },
    CreateSMSSandboxPhoneNumber: { input: { PhoneNumber: 'string', LanguageCode: 'string' }, output: {} },
    CreateTopic: {
      input: { Name: 'string', Attributes: stringMap, Tags: tagList, DataProtectionPolicy: 'string' },
      output: { TopicArn: 'string' },
    },
    DeleteEndpoint: { input: { EndpointArn: 'string' } },
    DeletePlatformApplication: { input: { PlatformApplicationArn: 'string' } },
    DeleteSMSSandboxPhoneNumber: { input: { PhoneNumber: 'string' }, output: {} },
    DeleteTopic: { input: { TopicArn: 'string' } },
    GetDataProtectionPolicy: { input: { ResourceArn: 'string' }, output: { DataProtectionPolicy: 'string' } },
    GetEndpointAttributes: { input: { EndpointArn: 'string' }, output: { Attributes: stringMap } },
    GetPlatformApplicationAttributes: {
      input: { PlatformApplicationArn: 'string' },
      output: { Attributes: stringMap },
    },
    GetSMSAttributes: { input: { attributes: list('string') }, output: { attributes: stringMap } },
    GetSMSSandboxAccountStatus: { input: {}, output: { IsInSandbox: 'boolean' } },
    GetSubscriptionAttributes: { input: { SubscriptionArn: 'string' }, output: { Attributes: stringMap } },
    GetTopicAttributes: { input: { TopicArn: 'string' }, output: { Attributes: stringMap } },
    ListEndpointsByPlatformApplication: {
      input: { PlatformApplicationArn: 'string', NextToken: 'string' },
      output: {
        Endpoints: list(struct({ EndpointArn: 'string', Attributes: stringMap })),
        NextToken: 'string',
      },
    },
    ListOriginationNumbers: {
      input: { NextToken: 'string', MaxResults: 'integer' },
      output: {
        NextToken: 'string',
        PhoneNumbers: list(
          struct({
            CreatedAt: 'string',
            PhoneNumber: 'string',
            Status: 'string',
            Iso2CountryCode: 'string',
            RouteType: 'string',
            NumberCapabilities: list('string'),
          }),
        ),
      },
    },
    ListPhoneNumbersOptedOut: {
      input: { nextToken: 'string' },
      output: { phoneNumbers: list('string'), nextToken: 'string' },
    },
    ListPlatformApplications: {
      input: { NextToken: 'string' },
      output: {
        PlatformApplications: list(struct({ PlatformApplicationArn: 'string', Attributes: stringMap })),
        NextToken: 'string',
      },
    },
    ListSMSSandboxPhoneNumbers: {
      input: { NextToken: 'string', MaxResults: 'integer' },
      output: {
        PhoneNumbers: list(struct({ PhoneNumber: 'string', Status: 'string' })),
        NextToken: 'string',
      },
    },
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
    OptInPhoneNumber: { input: { phoneNumber: 'string' }, output: {} },
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
    PutDataProtectionPolicy: { input: { ResourceArn: 'string', DataProtectionPolicy: 'string' } },
    RemovePermission: { input: { TopicArn: 'string', Label: 'string' } },
    SetEndpointAttributes: { input: { EndpointArn: 'string', Attributes: stringMap } },
    SetPlatformApplicationAttributes: { input: { PlatformApplicationArn: 'string', Attributes: stringMap } },
    SetSMSAttributes: { input: { attributes: stringMap }, output: {} },
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
    VerifySMSSandboxPhoneNumber: { input: { PhoneNumber: 'string', OneTimePassword: 'string' }, output: {} },
  },
};
