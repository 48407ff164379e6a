import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FilterPolicyScope } from '../match/json-rules.js';
import type { RouteDeclaration } from '../route/table.js';
import type { ConsumerDeclaration } from './consumer-types.js';

/**
 * A declared topology: the queues, topics and subscriptions an application needs. Applying it creates
 * what is missing and updates what differs; it never deletes anything.
 */
export interface Topology {
  /** Queues, in any order (dead-letter queues are created before the queues that use them). */
  queues?: QueueDeclaration[];
  /** SNS topics. */
  topics?: TopicDeclaration[];
  /** SQS subscriptions of declared queues to declared topics. */
  subscriptions?: SubscriptionDeclaration[];
  /**
   * Where the central `Producer` sends each MEGA event, by name (`{ events: 'order.*', topic: 'orders' }`).
   * Applying the topology creates nothing for them; they are checked against the declared names.
   */
  routes?: RouteDeclaration[];
  /**
   * Priority listeners: each names declared queues with their priorities or weights
   * (`{ name: 'worker', queues: [{ queue: 'urgent' }, { queue: 'bulk' }] }`); build a listener's
   * options with `consumerOptions`. Applying the topology creates nothing for them.
   */
  consumers?: ConsumerDeclaration[];
}

/** A value of a queue or topic attribute: strings as AWS takes them; numbers, booleans and objects (JSON policies) are converted. */
export type TopologyAttributeValue = string | number | boolean | Record<string, unknown>;

/** An SQS queue. */
export interface QueueDeclaration {
  /** Queue name: 1–80 of `[A-Za-z0-9_-]`; a FIFO queue's ends with `.fifo`. */
  name: string;
  /** FIFO queue. Default: whether the name ends with `.fifo` (it must when true). */
  fifo?: boolean;
  /**
   * Other queue attributes (`VisibilityTimeout`, `MessageRetentionPeriod`, `RedriveAllowPolicy`, `Policy`…).
   * Only the attributes named here are compared and set; the others are left as they are.
   * `FifoQueue` and `RedrivePolicy` are declared with `fifo` and `deadLetter` instead.
   */
  attributes?: Record<string, TopologyAttributeValue>;
  /** Dead-letter queue (a declared queue, of the same type) and the receive count that sends a message there (1–1000). */
  deadLetter?: { queue: string; maxReceiveCount: number };
}

/** An SNS topic. */
export interface TopicDeclaration {
  /** Topic name: 1–256 of `[A-Za-z0-9_-]`; a FIFO topic's ends with `.fifo`. */
  name: string;
  /** FIFO topic. Default: whether the name ends with `.fifo` (it must when true). */
  fifo?: boolean;
  /** Other topic attributes (`DisplayName`, `ContentBasedDeduplication`, `SignatureVersion`…); only these are compared. `FifoTopic` is declared with `fifo`. */
  attributes?: Record<string, TopologyAttributeValue>;
}

/** An SQS subscription: messages published to `topic` are delivered to `queue`. */
export interface SubscriptionDeclaration {
  /** Name of a declared topic. */
  topic: string;
  /** Name of a declared queue. A FIFO queue can only subscribe to a FIFO topic. */
  queue: string;
  /** SNS filter policy, as an object or a JSON string; validated as SNS would. Default: not managed (left as it is; none on creation). */
  filterPolicy?: Record<string, unknown> | string;
  /** What the filter policy applies to. Default `MessageAttributes`. */
  filterPolicyScope?: FilterPolicyScope;
  /** Deliver the message as published instead of in the SNS JSON envelope. Default: not managed (false on creation). */
  rawMessageDelivery?: boolean;
}

/** The AWS SDK v3 clients a topology is planned and applied with. */
export interface TopologyClients {
  sqs: SQSClient;
  sns: SNSClient;
}

/** What applying a step does. */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'conflict';

/** The kinds of resources a topology manages. `queue-policy` is the SQS `Policy` letting SNS topics send to a queue. */
export type ResourceKind = 'queue' | 'topic' | 'queue-policy' | 'subscription';

/** An attribute whose value will change. `from` is absent when the attribute is not set yet. */
export interface AttributeChange {
  name: string;
  from?: string;
  to: string;
}

/** One step of a plan, in the order it is applied. */
export interface PlanStep {
  action: PlanAction;
  kind: ResourceKind;
  /** The resource: a queue or topic name, or `topic → queue` for a subscription. */
  resource: string;
  /** Human-readable lines: what is created, what changes, or why it conflicts. */
  details: string[];
  /** The attribute changes of an `update` (and the attributes of a `create`). */
  changes: AttributeChange[];
}

/** Options of {@link planTopology} and {@link applyTopology}. */
export interface PlanOptions {
  /**
   * Give each queue with subscriptions an SQS `Policy` that lets its topics send to it (required on
   * Amazon SQS/SNS; harmless on the broker), merged into any policy the queue has: statements with
   * other `Sid`s are kept. Skipped for a queue that declares `attributes.Policy` itself. Default true.
   */
  queuePolicies?: boolean;
}

/** Options of {@link applyTopology}. */
export interface ApplyOptions extends PlanOptions {
  /** Plan only: change nothing. Default false. */
  dryRun?: boolean;
}

/** What {@link applyTopology} did, and where the resources are. */
export interface ApplyResult {
  steps: PlanStep[];
  /** Whether anything was changed (false for a dry run or when every step was unchanged). */
  changed: boolean;
  /** Queues by name: `result.queues.billing.url` (url/arn undefined for queues a dry run would create). */
  queues: Record<string, AppliedResource>;
  /**
   * Topics by name, in the same shape as queues: `result.topics.orders.arn` (undefined for a topic a
   * dry run would create). It used to hold bare ARNs; those are in {@link topicArns}.
   */
  topics: Record<string, AppliedResource>;
  /**
   * Topic ARNs by name, the old shape of `topics`.
   * @deprecated Use `topics[name].arn`.
   */
  topicArns: Record<string, string | undefined>;
}

/** Where an applied queue or topic is: its ARN, and a queue's URL. Absent for what a dry run would create. */
export interface AppliedResource {
  /** The queue URL (queues only). */
  url?: string;
  arn?: string;
}
