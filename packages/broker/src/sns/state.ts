import { MatcherSet, validateFilterPolicy } from 'sqs-mega/core';
import type { Clock } from '../clock.js';
import { snsErrors } from '../errors.js';
import type { SqsState } from '../sqs/state.js';
import type { SnsDeliveryStore, SnsTopicStore, Store, SubscriptionRow, TopicRow } from '../store/contract.js';
import type { DeliveryOutbox } from './delivery/outbox.js';
import type { Signer } from './envelope.js';
import { noSnsObserver, type SnsObserver } from './observer.js';
import { certificateFileName, envelopeSigner } from './signing.js';
import type { SnsArchivePort, SnsConfig, SnsDeliveryPort, Subscription, Topic } from './types.js';

/** The subscriptions of one topic, indexed for matching. */
class TopicSubscribers {
  readonly unfiltered = new Set<string>();
  /** The confirmed subscriptions that have a filter policy (those a publish may filter out). */
  readonly filtered = new Set<string>();
  readonly byAttributes = new MatcherSet<string>({ input: 'attributes' });
  readonly byBody = new MatcherSet<string>();
}

/**
 * Everything the SNS actions act on: topics and subscriptions (cached in memory, written through to
 * the store in the caller's write), the filter policies compiled into one matcher set per topic and
 * scope, the signer, and the outbox of HTTP/S deliveries. SQS targets are reached through `sqs`. It
 * builds no worker: the HTTP/S worker, which reads the outbox, is made by the composition root
 * (`compose.ts`) and sees this state only as an {@link SnsDeliveryPort}.
 */
export class SnsState implements SnsDeliveryPort {
  readonly tables: SnsTopicStore;
  readonly deliveryTable: SnsDeliveryStore;
  readonly signer: Signer;
  /** Where HTTP/S deliveries are put (`http.add(row)` inside a write). */
  readonly http: DeliveryOutbox;
  readonly observer: SnsObserver;
  /** The FIFO topics' message archives and the replays from them (attached by the composition root). */
  archive!: SnsArchivePort;
  private topics = new Map<string, Topic>();
  private subscriptions = new Map<string, Subscription>();
  private subscribers = new Map<string, TopicSubscribers>();
  private certificateName: string | undefined;

  constructor(
    readonly store: Store,
    readonly sqs: SqsState,
    readonly clock: Clock,
    readonly config: SnsConfig,
    outbox: DeliveryOutbox,
  ) {
    this.tables = store.snsTopics;
    this.deliveryTable = store.snsDeliveries;
    this.http = outbox;
    this.observer = config.observer ?? noSnsObserver;
    this.signer = {
      sign: envelopeSigner(config.identity),
      certUrl: (origin) => `${origin.replace(/^http:/, 'https:')}/sns/${this.certificateFile}`,
    };
    this.reload();
  }

  /** The signing certificate's file name, as SNS names its own (the identity is made if it was not yet). */
  get certificateFile(): string {
    this.certificateName ??= certificateFileName(this.config.identity());
    return this.certificateName;
  }

  /** Rebuilds the caches from the store (at start, and after a failed commit). */
  reload(): void {
    this.topics = new Map();
    this.subscriptions = new Map();
    this.subscribers = new Map();
    for (const row of this.tables.allTopics()) this.cacheTopic(row);
    for (const row of this.tables.allSubscriptions()) this.cacheSubscription(row);
  }

  topicArn(region: string, name: string): string {
    return `arn:aws:sns:${region}:${this.config.accountId}:${name}`;
  }

  /** The topic an ARN names, or `NotFound`. Malformed ARNs are `InvalidParameter`. */
  topic(arn: string, field = 'TopicArn'): Topic {
    const parts = arn.split(':');
    if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sns')
      throw snsErrors.invalidParameter(field);
    const topic = this.topics.get(arn);
    if (!topic) throw snsErrors.notFound('Topic');
    return topic;
  }

  findTopic(arn: string): Topic | undefined {
    return this.topics.get(arn);
  }

  allTopics(): Topic[] {
    return [...this.topics.values()];
  }

  /** The subscription an ARN names, or `NotFound`. Malformed ARNs are `InvalidParameter`. */
  subscription(arn: string): Subscription {
    if (arn.split(':').length !== 7 || !arn.startsWith('arn:aws:sns:'))
      throw snsErrors.invalidParameter('SubscriptionArn');
    const subscription = this.subscriptions.get(arn);
    if (!subscription) throw snsErrors.notFound('Subscription');
    return subscription;
  }

  findSubscription(arn: string): Subscription | undefined {
    return this.subscriptions.get(arn);
  }

  allSubscriptions(): Subscription[] {
    return [...this.subscriptions.values()];
  }

  subscriptionsOf(topicArn: string): Subscription[] {
    return this.allSubscriptions().filter((s) => s.topicArn === topicArn);
  }

  /** Stores a new topic (inside the caller's write). */
  insertTopic(row: TopicRow): Topic {
    this.tables.insertTopic(row);
    return this.cacheTopic(row);
  }

  /** Writes a topic's attributes and tags through (inside the caller's write). */
  saveTopic(topic: Topic): void {
    this.tables.updateTopic(topic.arn, JSON.stringify(topic.attributes), JSON.stringify(topic.tags));
  }

  /** Deletes a topic and its subscriptions (inside the caller's write). */
  deleteTopic(topic: Topic): void {
    for (const s of this.subscriptionsOf(topic.arn)) this.deleteSubscription(s);
    this.tables.deleteTopic(topic.arn);
    this.topics.delete(topic.arn);
    this.subscribers.delete(topic.arn);
  }

  insertSubscription(row: SubscriptionRow): Subscription {
    this.tables.insertSubscription(row);
    return this.cacheSubscription(row);
  }

  /** Writes a subscription's attributes and state through and re-indexes its filter policy. */
  saveSubscription(subscription: Subscription): void {
    this.tables.updateSubscription(
      subscription.arn,
      JSON.stringify(subscription.attributes),
      subscription.confirmed,
    );
    this.index(subscription);
  }

  deleteSubscription(subscription: Subscription): void {
    this.tables.deleteSubscription(subscription.arn);
    this.deliveryTable.deleteForSubscription(subscription.arn);
    this.subscriptions.delete(subscription.arn);
    this.unindex(subscription);
  }

  /**
   * The confirmed subscriptions of a topic whose filter policy matches: attribute-scope policies
   * against `attributes`, body-scope policies against `body` parsed as a JSON object (a body that is
   * not one matches no body-scope policy).
   */
  matching(topicArn: string, attributes: Record<string, unknown>, body: string): Subscription[] {
    const subscribers = this.subscribers.get(topicArn);
    if (!subscribers) return [];
    const arns = [...subscribers.unfiltered];
    if (subscribers.byAttributes.size > 0) arns.push(...subscribers.byAttributes.match(attributes));
    if (subscribers.byBody.size > 0) {
      const parsed = parseObject(body);
      if (parsed !== undefined) arns.push(...subscribers.byBody.match(parsed));
    }
    return arns.map((arn) => this.subscriptions.get(arn) as Subscription);
  }

  /** The confirmed subscriptions of a topic with a filter policy that are not in `matched`. */
  filteredOut(topicArn: string, matched: readonly Subscription[]): Subscription[] {
    const filtered = this.subscribers.get(topicArn)?.filtered;
    if (!filtered || filtered.size === 0) return [];
    const hit = new Set(matched.map((s) => s.arn));
    const out: Subscription[] = [];
    for (const arn of filtered) if (!hit.has(arn)) out.push(this.subscriptions.get(arn) as Subscription);
    return out;
  }

  /** The links of a subscription, as the client addressed the broker. */
  unsubscribeUrl(origin: string, subscription: Subscription): string {
    return `${origin}/sns/unsubscribe?SubscriptionArn=${encodeURIComponent(subscription.arn)}&Token=${subscription.token}`;
  }

  subscribeUrl(origin: string, subscription: Subscription): string {
    return `${origin}/sns/confirm?TopicArn=${encodeURIComponent(subscription.topicArn)}&Token=${subscription.token}`;
  }

  private cacheTopic(row: TopicRow): Topic {
    const topic: Topic = {
      arn: row.arn,
      region: row.region,
      name: row.name,
      fifo: row.name.endsWith('.fifo'),
      attributes: JSON.parse(row.attributes),
      tags: JSON.parse(row.tags),
    };
    this.topics.set(topic.arn, topic);
    return topic;
  }

  private cacheSubscription(row: SubscriptionRow): Subscription {
    const subscription: Subscription = {
      arn: row.arn,
      topicArn: row.topic_arn,
      protocol: row.protocol as Subscription['protocol'],
      endpoint: row.endpoint,
      attributes: JSON.parse(row.attributes),
      confirmed: row.confirmed === 1,
      token: row.token,
    };
    this.subscriptions.set(subscription.arn, subscription);
    this.index(subscription);
    return subscription;
  }

  private index(subscription: Subscription): void {
    this.unindex(subscription);
    const { FilterPolicy: policy, FilterPolicyScope: scope } = subscription.attributes;
    subscription.filter = undefined;
    if (policy !== undefined && policy !== '') {
      const result = validateFilterPolicy(
        policy,
        scope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes',
      );
      if (result.ok) subscription.filter = result.pattern;
    }
    if (!subscription.confirmed) return;
    let subscribers = this.subscribers.get(subscription.topicArn);
    if (!subscribers) {
      subscribers = new TopicSubscribers();
      this.subscribers.set(subscription.topicArn, subscribers);
    }
    if (!subscription.filter) {
      subscribers.unfiltered.add(subscription.arn);
      return;
    }
    subscribers.filtered.add(subscription.arn);
    if (scope === 'MessageBody') subscribers.byBody.add(subscription.arn, subscription.filter);
    else subscribers.byAttributes.add(subscription.arn, subscription.filter);
  }

  private unindex(subscription: Subscription): void {
    const subscribers = this.subscribers.get(subscription.topicArn);
    if (!subscribers) return;
    subscribers.unfiltered.delete(subscription.arn);
    subscribers.filtered.delete(subscription.arn);
    subscribers.byAttributes.delete(subscription.arn);
    subscribers.byBody.delete(subscription.arn);
  }
}

function parseObject(body: string): object | undefined {
  if (!body.startsWith('{') && !body.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
