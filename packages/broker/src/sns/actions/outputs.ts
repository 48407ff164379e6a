import type {
  ConfirmSubscriptionCommandOutput,
  CreateTopicCommandOutput,
  DeleteTopicCommandOutput,
  GetSubscriptionAttributesCommandOutput,
  GetTopicAttributesCommandOutput,
  ListSubscriptionsByTopicCommandOutput,
  ListSubscriptionsCommandOutput,
  ListTagsForResourceCommandOutput,
  ListTopicsCommandOutput,
  PublishBatchCommandOutput,
  PublishCommandOutput,
  SetSubscriptionAttributesCommandOutput,
  SetTopicAttributesCommandOutput,
  SubscribeCommandOutput,
  TagResourceCommandOutput,
  UnsubscribeCommandOutput,
  UntagResourceCommandOutput,
} from '@aws-sdk/client-sns';

/**
 * Every SNS action the broker implements, by its API name, with the SDK output it must return (see
 * `action-outputs.ts`: without `$metadata`). `snsActions` implements exactly these; the Query schema
 * (`wire/query/schema-sns.ts`) describes exactly these too.
 */
export interface SnsOutputs {
  CreateTopic: CreateTopicCommandOutput;
  DeleteTopic: DeleteTopicCommandOutput;
  ListTopics: ListTopicsCommandOutput;
  GetTopicAttributes: GetTopicAttributesCommandOutput;
  SetTopicAttributes: SetTopicAttributesCommandOutput;
  Subscribe: SubscribeCommandOutput;
  ConfirmSubscription: ConfirmSubscriptionCommandOutput;
  Unsubscribe: UnsubscribeCommandOutput;
  ListSubscriptions: ListSubscriptionsCommandOutput;
  ListSubscriptionsByTopic: ListSubscriptionsByTopicCommandOutput;
  GetSubscriptionAttributes: GetSubscriptionAttributesCommandOutput;
  SetSubscriptionAttributes: SetSubscriptionAttributesCommandOutput;
  Publish: PublishCommandOutput;
  PublishBatch: PublishBatchCommandOutput;
  TagResource: TagResourceCommandOutput;
  UntagResource: UntagResourceCommandOutput;
  ListTagsForResource: ListTagsForResourceCommandOutput;
}
