import { snsErrors } from '../../errors.js';
import type { RequestContext } from '../../sqs/types.js';
import type { SnsState } from '../state.js';
import type { Topic } from '../types.js';
import { checkTags, type Input, list, required } from '../validation.js';

function resource(sns: SnsState, input: Input): Topic {
  const topic = sns.findTopic(required(input, 'ResourceArn'));
  if (!topic) throw snsErrors.resourceNotFound();
  return topic;
}

/** TagResource: adds or replaces tags (at most 50 per topic). */
export async function tagResource(sns: SnsState, _ctx: RequestContext, input: Input) {
  const topic = resource(sns, input);
  const given = list(input, 'Tags');
  if (given.length === 0) throw snsErrors.invalidParameter('Tags Reason: no value for required parameter');
  const tags = checkTags(given, topic.tags);
  await sns.sqs.store.write(() => {
    topic.tags = tags;
    sns.saveTopic(topic);
  });
  return {};
}

/** UntagResource: removes the named tags. */
export async function untagResource(sns: SnsState, _ctx: RequestContext, input: Input) {
  const topic = resource(sns, input);
  const keys = list<string>(input, 'TagKeys');
  if (keys.length === 0) throw snsErrors.invalidParameter('TagKeys Reason: no value for required parameter');
  const tags = { ...topic.tags };
  for (const key of keys) delete tags[key];
  await sns.sqs.store.write(() => {
    topic.tags = tags;
    sns.saveTopic(topic);
  });
  return {};
}

/** ListTagsForResource */
export function listTagsForResource(sns: SnsState, _ctx: RequestContext, input: Input) {
  const topic = resource(sns, input);
  return { Tags: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) };
}
