import { type Action, type ActionOutput, actionTable } from '../../action-outputs.js';
import type { RequestContext } from '../../sqs/types.js';
import type { SnsState } from '../state.js';
import type { Input } from '../validation.js';
import type { SnsOutputs } from './outputs.js';
import { publish, publishBatch } from './publish.js';
import {
  confirmSubscription,
  getSubscriptionAttributes,
  listSubscriptions,
  listSubscriptionsByTopic,
  setSubscriptionAttributes,
  subscribe,
  unsubscribe,
} from './subscriptions.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';
import { createTopic, deleteTopic, getTopicAttributes, listTopics, setTopicAttributes } from './topics.js';

export type { SnsOutputs } from './outputs.js';

/** An SNS action's name. */
export type SnsActionName = keyof SnsOutputs;

/** What SNS action `A` returns: its SDK output, JSON-shaped (see `action-outputs.ts`). */
export type SnsOutput<A extends SnsActionName> = ActionOutput<SnsOutputs[A]>;

/**
 * An SNS action: JSON-shaped input in, output out (or an AwsError thrown); `A` names the action whose
 * SDK output it returns (by default any: the union of every action's type).
 */
export type SnsAction<A extends SnsActionName = SnsActionName> = {
  [K in SnsActionName]: Action<SnsState, RequestContext, Input, SnsOutput<K>>;
}[A];

/**
 * Every SNS action the broker implements, by its API name (exactly the names of {@link SnsOutputs},
 * each returning its SDK output: a compile error otherwise).
 */
export const snsActions = actionTable<SnsState, RequestContext, Input, SnsOutputs>()({
  CreateTopic: createTopic,
  DeleteTopic: deleteTopic,
  ListTopics: listTopics,
  GetTopicAttributes: getTopicAttributes,
  SetTopicAttributes: setTopicAttributes,
  Subscribe: subscribe,
  ConfirmSubscription: confirmSubscription,
  Unsubscribe: unsubscribe,
  ListSubscriptions: listSubscriptions,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  GetSubscriptionAttributes: getSubscriptionAttributes,
  SetSubscriptionAttributes: setSubscriptionAttributes,
  Publish: publish,
  PublishBatch: publishBatch,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
});

/** The action named `name`, if the broker implements it (own names only: `name` is user input). */
export function snsActionNamed(name: string): SnsAction | undefined {
  return Object.hasOwn(snsActions, name) ? snsActions[name as SnsActionName] : undefined;
}
