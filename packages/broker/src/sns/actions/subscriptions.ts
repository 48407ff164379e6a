import { randomBytes, randomUUID } from 'node:crypto';
import { validateFilterPolicy } from 'sqs-mega/core';
import { snsErrors } from '../../errors.js';
import type { RequestContext } from '../../sqs/types.js';
import { checkReplayPolicy, isInternalAttribute } from '../archive/policy.js';
import { clearReplay, startReplay } from '../archive/replay.js';
import { DEFAULT_RETRY_POLICY, effectiveRetryPolicy, subscriptionRetryPolicy } from '../delivery/policy.js';
import { confirmationEnvelope } from '../envelope.js';
import type { SnsState } from '../state.js';
import type { Subscription, Topic } from '../types.js';
import { booleanAttribute, type Input, jsonObject, optional, required, stringMap } from '../validation.js';
import { page } from './paging.js';

const SQS_ARN = /^arn:aws:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const PROTOCOLS = new Set(['sqs', 'http', 'https']);
/** Attributes Subscribe and SetSubscriptionAttributes accept. */
const SETTABLE = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'ReplayPolicy',
]);
/** Attributes GetSubscriptionAttributes reports that nobody may set. */
const READ_ONLY = new Set([
  'SubscriptionArn',
  'TopicArn',
  'Owner',
  'Protocol',
  'Endpoint',
  'ConfirmationWasAuthenticated',
  'PendingConfirmation',
  'EffectiveDeliveryPolicy',
  'SubscriptionPrincipal',
  'ReplayStatus',
]);

/**
 * Validates a change of subscription attributes against the whole resulting set (a FilterPolicy is
 * checked in the scope it will have). Returns the new attribute set.
 */
function withAttributes(
  protocol: string,
  current: Record<string, string>,
  changes: Record<string, string>,
  action: string,
) {
  const next = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (READ_ONLY.has(name) || !SETTABLE.has(name))
      throw snsErrors.invalidParameter(
        action === 'Subscribe'
          ? `Attributes Reason: Unknown attribute ${name.slice(0, 64)}`
          : 'AttributeName',
      );
    if (value === '' && name !== 'RawMessageDelivery') delete next[name];
    else next[name] = value;
  }
  if (next.RawMessageDelivery !== undefined) {
    if (protocol !== 'sqs' && protocol !== 'http' && protocol !== 'https')
      throw snsErrors.invalidParameter(
        'Attributes Reason: RawMessageDelivery is not supported for this protocol',
      );
    next.RawMessageDelivery = booleanAttribute('RawMessageDelivery', next.RawMessageDelivery);
  }
  const scope = next.FilterPolicyScope;
  if (scope !== undefined && scope !== 'MessageAttributes' && scope !== 'MessageBody')
    throw snsErrors.invalidParameter(
      'Attributes Reason: FilterPolicyScope: Invalid value. Valid values: MessageAttributes, MessageBody',
    );
  if (next.FilterPolicy !== undefined) {
    const result = validateFilterPolicy(
      next.FilterPolicy,
      scope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes',
    );
    if (!result.ok) throw snsErrors.invalidParameter(result.message.replace(/^Invalid parameter: /, ''));
  }
  if (next.RedrivePolicy !== undefined) {
    const target = jsonObject('RedrivePolicy', next.RedrivePolicy).deadLetterTargetArn;
    if (typeof target !== 'string' || !SQS_ARN.test(target))
      throw snsErrors.invalidParameter('RedrivePolicy: deadLetterTargetArn is an invalid arn');
  }
  if (next.DeliveryPolicy !== undefined) {
    if (protocol === 'sqs')
      throw snsErrors.invalidParameter(
        'DeliveryPolicy: Delivery protocol [sqs] does not support delivery policies',
      );
    subscriptionRetryPolicy(next.DeliveryPolicy);
  }
  return next;
}

/**
 * Applies a ReplayPolicy given in `changes` (Subscribe, SetSubscriptionAttributes) to the new attribute
 * set: checked against the topic's archive, it starts a replay (status Pending); an empty one removes
 * the replay.
 */
function withReplay(
  sns: SnsState,
  ctx: RequestContext,
  topic: Topic,
  changes: Record<string, string>,
  next: Record<string, string>,
): void {
  const policy = changes.ReplayPolicy;
  if (policy === undefined) return;
  clearReplay(next);
  if (policy === '') return;
  const now = sns.clock.now();
  const range = checkReplayPolicy(
    policy,
    { fifo: topic.fifo, beginning: sns.archive.beginning(topic, now) },
    now,
  );
  startReplay(next, range, now, ctx.origin);
}

/** Checks an endpoint for its protocol; HTTP/S hosts must be allowed by the operator (SSRF guard). */
function checkEndpoint(sns: SnsState, protocol: string, endpoint: string, fifoTopic: boolean): void {
  if (protocol === 'sqs') {
    if (!SQS_ARN.test(endpoint)) throw snsErrors.invalidParameter('SQS endpoint ARN');
    if (endpoint.endsWith('.fifo') && !fifoTopic)
      throw snsErrors.invalidParameter(
        'Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics',
      );
    return;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw snsErrors.invalidParameter('Endpoint must match the specified protocol');
  }
  if (url.protocol !== `${protocol}:`)
    throw snsErrors.invalidParameter('Endpoint must match the specified protocol');
  const allow = sns.config.allowHosts;
  if (!allow.allowsHost(url.hostname)) {
    throw snsErrors.invalidParameter(
      `Endpoint Reason: host ${url.hostname} is not allowed: this broker delivers HTTP/S notifications only to the hosts of --sns-allow-hosts (broker option snsAllowHosts), now [${allow.entries.join(', ')}]`,
    );
  }
}

/** Subscribe: SQS subscriptions are confirmed at once; HTTP/S ones are sent a SubscriptionConfirmation. */
export async function subscribe(sns: SnsState, ctx: RequestContext, input: Input) {
  const topic = sns.topic(required(input, 'TopicArn'));
  const protocol = required(input, 'Protocol');
  if (!PROTOCOLS.has(protocol))
    throw snsErrors.invalidParameter(
      `Amazon SNS does not support this protocol string: ${protocol.slice(0, 64)}`,
    );
  const endpoint = required(input, 'Endpoint');
  checkEndpoint(sns, protocol, endpoint, topic.fifo);
  const given = stringMap(input, 'Attributes');
  const attributes = withAttributes(protocol, {}, given, 'Subscribe');
  withReplay(sns, ctx, topic, given, attributes);
  const returnArn = input.ReturnSubscriptionArn === true || input.ReturnSubscriptionArn === 'true';
  const existing = sns
    .subscriptionsOf(topic.arn)
    .find((s) => s.protocol === protocol && s.endpoint === endpoint);
  if (existing) {
    const { ReplayPolicy: _policy, ...settable } = attributes;
    const same = (a: Record<string, string>) => JSON.stringify(a);
    if (
      same(existing.attributes) !== same({ ...existing.attributes, ...settable }) ||
      (_policy !== undefined && existing.attributes.ReplayPolicy !== _policy)
    )
      throw snsErrors.invalidParameter(
        'Attributes Reason: Subscription already exists with different attributes',
      );
    return { SubscriptionArn: existing.confirmed || returnArn ? existing.arn : 'pending confirmation' };
  }
  const now = sns.clock.now();
  const confirmed = protocol === 'sqs';
  const subscription = await sns.sqs.store.write(() => {
    const created = sns.insertSubscription({
      arn: `${topic.arn}:${randomUUID()}`,
      topic_arn: topic.arn,
      protocol,
      endpoint,
      attributes: JSON.stringify(attributes),
      confirmed: confirmed ? 1 : 0,
      token: randomBytes(32).toString('hex'),
      created_at: now,
    });
    if (!confirmed) requestConfirmation(sns, ctx, created, now);
    return created;
  });
  if (attributes.ReplayStatus !== undefined) sns.archive.replays.wake();
  return { SubscriptionArn: confirmed || returnArn ? subscription.arn : 'pending confirmation' };
}

/** Queues the SubscriptionConfirmation POST of a new HTTP/S subscription (inside the caller's write). */
function requestConfirmation(
  sns: SnsState,
  ctx: RequestContext,
  subscription: Subscription,
  now: number,
): void {
  const topic = sns.topic(subscription.topicArn);
  const messageId = randomUUID();
  const body = confirmationEnvelope(
    {
      messageId,
      topicArn: topic.arn,
      token: subscription.token,
      subscribeUrl: sns.subscribeUrl(ctx.origin, subscription),
      timestamp: now,
    },
    { origin: ctx.origin, signatureVersion: topic.attributes.SignatureVersion === '2' ? '2' : '1' },
    sns.signer,
  );
  sns.http.add({
    subscription_arn: subscription.arn,
    kind: 'SubscriptionConfirmation',
    message_id: messageId,
    body,
    raw: 0,
    due_at: now,
    created_at: now,
  });
}

/** ConfirmSubscription: the token sent in the SubscriptionConfirmation confirms a pending subscription. */
export async function confirmSubscription(sns: SnsState, _ctx: RequestContext, input: Input) {
  const topic = sns.topic(required(input, 'TopicArn'));
  const token = required(input, 'Token');
  const subscription = sns.subscriptionsOf(topic.arn).find((s) => s.token === token);
  if (!subscription) throw snsErrors.invalidParameter('Invalid token');
  if (!subscription.confirmed) {
    const authenticated = optional(input, 'AuthenticateOnUnsubscribe') === 'true';
    await sns.sqs.store.write(() => {
      subscription.confirmed = true;
      if (authenticated) subscription.attributes.AuthenticateOnUnsubscribe = 'true';
      sns.saveSubscription(subscription);
    });
  }
  return { SubscriptionArn: subscription.arn };
}

/** Unsubscribe: deletes a subscription (and its pending deliveries). */
export async function unsubscribe(sns: SnsState, _ctx: RequestContext, input: Input) {
  const subscription = sns.subscription(required(input, 'SubscriptionArn'));
  await sns.sqs.store.write(() => sns.deleteSubscription(subscription));
  return {};
}

function listed(sns: SnsState, subscriptions: Subscription[], token: string | undefined) {
  const byArn = new Map(subscriptions.map((s) => [s.arn, s]));
  const { items, nextToken } = page([...byArn.keys()].sort(), token);
  return {
    Subscriptions: items.map((arn) => {
      const s = byArn.get(arn) as Subscription;
      return {
        SubscriptionArn: s.confirmed ? s.arn : 'PendingConfirmation',
        Owner: sns.config.accountId,
        Protocol: s.protocol,
        Endpoint: s.endpoint,
        TopicArn: s.topicArn,
      };
    }),
    NextToken: nextToken,
  };
}

/** ListSubscriptions: the region's subscriptions, 100 per page. */
export function listSubscriptions(sns: SnsState, ctx: RequestContext, input: Input) {
  const prefix = `arn:aws:sns:${ctx.region}:`;
  return listed(
    sns,
    sns.allSubscriptions().filter((s) => s.topicArn.startsWith(prefix)),
    optional(input, 'NextToken'),
  );
}

/** ListSubscriptionsByTopic */
export function listSubscriptionsByTopic(sns: SnsState, _ctx: RequestContext, input: Input) {
  const topic = sns.topic(required(input, 'TopicArn'));
  return listed(sns, sns.subscriptionsOf(topic.arn), optional(input, 'NextToken'));
}

/** GetSubscriptionAttributes */
export function getSubscriptionAttributes(sns: SnsState, _ctx: RequestContext, input: Input) {
  const s = sns.subscription(required(input, 'SubscriptionArn'));
  const attributes: Record<string, string> = {
    SubscriptionArn: s.arn,
    TopicArn: s.topicArn,
    Owner: sns.config.accountId,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    ConfirmationWasAuthenticated: String(
      s.attributes.AuthenticateOnUnsubscribe === 'true' || s.protocol === 'sqs',
    ),
    PendingConfirmation: String(!s.confirmed),
    RawMessageDelivery: 'false',
    SubscriptionPrincipal: `arn:aws:iam::${sns.config.accountId}:user/sqs-mega`,
  };
  if (s.protocol !== 'sqs') {
    const topic = sns.findTopic(s.topicArn);
    const policy =
      effectiveRetryPolicy(topic?.attributes.DeliveryPolicy, s.attributes.DeliveryPolicy) ??
      DEFAULT_RETRY_POLICY;
    attributes.EffectiveDeliveryPolicy = JSON.stringify({ healthyRetryPolicy: policy });
  }
  const own: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.attributes))
    if (key !== 'AuthenticateOnUnsubscribe' && !isInternalAttribute(key)) own[key] = value;
  if (own.FilterPolicy !== undefined && own.FilterPolicyScope === undefined)
    own.FilterPolicyScope = 'MessageAttributes';
  return { Attributes: { ...attributes, ...own } };
}

/** SetSubscriptionAttributes: one settable attribute, validated; read-only ones are refused. */
export async function setSubscriptionAttributes(sns: SnsState, ctx: RequestContext, input: Input) {
  const s = sns.subscription(required(input, 'SubscriptionArn'));
  const name = required(input, 'AttributeName');
  const value = optional(input, 'AttributeValue') ?? '';
  const changes = { [name]: value };
  const attributes = withAttributes(s.protocol, s.attributes, changes, 'SetSubscriptionAttributes');
  withReplay(sns, ctx, sns.topic(s.topicArn), changes, attributes);
  await sns.sqs.store.write(() => {
    s.attributes = attributes;
    sns.saveSubscription(s);
  });
  if (attributes.ReplayStatus === 'Pending') sns.archive.replays.wake();
  return {};
}
