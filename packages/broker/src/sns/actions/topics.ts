import { snsErrors } from '../../errors.js';
import type { RequestContext } from '../../sqs/types.js';
import { archiveRetentionDays, isInternalAttribute } from '../archive/policy.js';
import { DEFAULT_RETRY_POLICY, topicRetryPolicy } from '../delivery/policy.js';
import type { SnsState } from '../state.js';
import type { Topic } from '../types.js';
import {
  booleanAttribute,
  checkTags,
  type Input,
  jsonObject,
  list,
  optional,
  required,
  stringMap,
} from '../validation.js';
import { page } from './paging.js';

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
/** Attributes SetTopicAttributes (and CreateTopic) accept. */
const SETTABLE = new Set([
  'DisplayName',
  'Policy',
  'DeliveryPolicy',
  'KmsMasterKeyId',
  'SignatureVersion',
  'TracingConfig',
  'ContentBasedDeduplication',
  'ArchivePolicy',
  'DataProtectionPolicy',
  'FifoThroughputScope',
]);

/** Validates one topic attribute; returns the value to store. */
function checkTopicAttribute(name: string, value: string, fifo: boolean): string {
  if (!SETTABLE.has(name)) throw snsErrors.invalidParameter('AttributeName');
  switch (name) {
    case 'SignatureVersion':
      if (value !== '1' && value !== '2')
        throw snsErrors.invalidParameter(
          `Attributes Reason: SignatureVersion: Invalid value [${value.slice(0, 20)}]. Valid values: 1, 2`,
        );
      return value;
    case 'ContentBasedDeduplication':
      if (!fifo)
        throw snsErrors.invalidParameter(
          'Attributes Reason: Content-based deduplication can only be set for FIFO topics',
        );
      return booleanAttribute(name, value);
    case 'TracingConfig':
      if (value !== 'PassThrough' && value !== 'Active')
        throw snsErrors.invalidParameter('Attributes Reason: TracingConfig: must be PassThrough or Active');
      return value;
    case 'DeliveryPolicy':
      topicRetryPolicy(value);
      return value;
    case 'ArchivePolicy':
      archiveRetentionDays(value, fifo);
      return value;
    case 'Policy':
    case 'DataProtectionPolicy':
      jsonObject(name, value);
      return value;
    case 'DisplayName':
      if (value.length > 100) throw snsErrors.invalidParameter('DisplayName');
      return value;
    default:
      return value;
  }
}

/** CreateTopic: idempotent; the same name with other attributes or tags is a conflict. */
export async function createTopic(sns: SnsState, ctx: RequestContext, input: Input) {
  const name = required(input, 'Name');
  const given = stringMap(input, 'Attributes');
  const tags = checkTags(list(input, 'Tags'));
  const fifoAttribute =
    given.FifoTopic === undefined ? undefined : booleanAttribute('FifoTopic', given.FifoTopic);
  const fifo = fifoAttribute === 'true';
  if (
    fifo
      ? !FIFO_NAME.test(name)
      : !TOPIC_NAME.test(name) || (fifoAttribute === undefined && name.endsWith('.fifo'))
  ) {
    throw snsErrors.invalidParameter(
      fifo || name.endsWith('.fifo')
        ? 'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.'
        : 'Topic Name',
    );
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(given))
    if (key !== 'FifoTopic') attributes[key] = checkTopicAttribute(key, value, fifo);
  if (
    attributes.ArchivePolicy !== undefined &&
    archiveRetentionDays(attributes.ArchivePolicy, fifo) === undefined
  )
    delete attributes.ArchivePolicy;
  const arn = sns.topicArn(ctx.region, name);
  const existing = sns.findTopic(arn);
  if (existing) {
    if (Object.entries(attributes).some(([k, v]) => existing.attributes[k] !== v) || existing.fifo !== fifo)
      throw snsErrors.invalidParameter('Attributes Reason: Topic already exists with different attributes');
    if (
      Object.keys(tags).length > 0 &&
      JSON.stringify(sortKeys(tags)) !== JSON.stringify(sortKeys(existing.tags))
    )
      throw snsErrors.invalidParameter('Tags Reason: Topic already exists with different tags');
    return { TopicArn: arn };
  }
  const now = sns.clock.now();
  await sns.sqs.store.write(() => {
    const topic = sns.insertTopic({
      arn,
      region: ctx.region,
      name,
      attributes: '{}',
      tags: JSON.stringify(tags),
      last_sequence: 0,
      created_at: now,
    });
    sns.archive.policyChanged(topic, attributes, now);
    topic.attributes = attributes;
    sns.saveTopic(topic);
  });
  return { TopicArn: arn };
}

/** DeleteTopic: deletes the topic and its subscriptions; deleting a missing topic is not an error. */
export async function deleteTopic(sns: SnsState, _ctx: RequestContext, input: Input) {
  const arn = required(input, 'TopicArn');
  const topic = sns.findTopic(arn);
  if (topic)
    await sns.sqs.store.write(() => {
      sns.archive.forget(topic);
      sns.deleteTopic(topic);
    });
  return {};
}

/** ListTopics: 100 per page, in ARN order, with a NextToken. */
export function listTopics(sns: SnsState, ctx: RequestContext, input: Input) {
  const arns = sns
    .allTopics()
    .filter((t) => t.region === ctx.region)
    .map((t) => t.arn)
    .sort();
  const { items, nextToken } = page(arns, optional(input, 'NextToken'));
  return { Topics: items.map((TopicArn) => ({ TopicArn })), NextToken: nextToken };
}

/** The attributes GetTopicAttributes reports: the stored ones plus the computed ones. */
function topicAttributes(sns: SnsState, topic: Topic): Record<string, string> {
  const subscriptions = sns.subscriptionsOf(topic.arn);
  const confirmed = subscriptions.filter((s) => s.confirmed).length;
  const out: Record<string, string> = {
    TopicArn: topic.arn,
    Owner: sns.config.accountId,
    Policy: defaultPolicy(topic.arn, sns.config.accountId),
    DisplayName: '',
    SubscriptionsConfirmed: String(confirmed),
    SubscriptionsPending: String(subscriptions.length - confirmed),
    SubscriptionsDeleted: '0',
    EffectiveDeliveryPolicy: JSON.stringify({
      http: {
        defaultHealthyRetryPolicy: topicRetryPolicy(topic.attributes.DeliveryPolicy) ?? DEFAULT_RETRY_POLICY,
        disableSubscriptionOverrides: false,
        defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
      },
    }),
  };
  if (topic.fifo) {
    out.FifoTopic = 'true';
    out.ContentBasedDeduplication = 'false';
  }
  const beginning = sns.archive.beginning(topic);
  if (beginning !== undefined) out.BeginningArchiveTime = new Date(beginning).toISOString();
  for (const [key, value] of Object.entries(topic.attributes))
    if (!isInternalAttribute(key)) out[key] = value;
  return out;
}

/** GetTopicAttributes */
export function getTopicAttributes(sns: SnsState, _ctx: RequestContext, input: Input) {
  return { Attributes: topicAttributes(sns, sns.topic(required(input, 'TopicArn'))) };
}

/** SetTopicAttributes: one attribute; an empty value removes it. */
export async function setTopicAttributes(sns: SnsState, _ctx: RequestContext, input: Input) {
  const topic = sns.topic(required(input, 'TopicArn'));
  const name = required(input, 'AttributeName');
  const value = optional(input, 'AttributeValue') ?? '';
  const attributes = { ...topic.attributes };
  if (value === '' && name !== 'DisplayName') delete attributes[name];
  else attributes[name] = checkTopicAttribute(name, value, topic.fifo);
  if (name === 'ArchivePolicy' && value !== '' && archiveRetentionDays(value, topic.fifo) === undefined)
    delete attributes.ArchivePolicy;
  await sns.sqs.store.write(() => {
    if (name === 'ArchivePolicy') sns.archive.policyChanged(topic, attributes, sns.clock.now());
    topic.attributes = attributes;
    sns.saveTopic(topic);
  });
  return {};
}

function defaultPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': account } },
      },
    ],
  });
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
