/**
 * The SNS layer's types: topics and subscriptions as the actions see them, the broker-wide settings,
 * and the narrow port the delivery workers act on ({@link SnsDeliveryPort}). Types only: this module
 * imports no code.
 */
import type { CompiledPattern } from 'sqs-mega/core';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { SqsState } from '../sqs/state.js';
import type { Store } from '../store/contract.js';
import type { SigningIdentity } from './certificate.js';
import type { HostAllowList } from './delivery/allow-hosts.js';
import type { Notification } from './envelope.js';
import type { SnsObserver } from './observer.js';

/** Broker-wide settings the SNS actions need. */
export interface SnsConfig {
  accountId: string;
  /** The hosts HTTP/S subscriptions may reach. */
  allowHosts: HostAllowList;
  /** The key and certificate envelopes are signed with, made on first use (see `lazySigningIdentity`). */
  identity: () => SigningIdentity;
  logger: Logger;
  /** Told of every delivery's outcome and every failed attempt (the broker's metrics). Default: no one. */
  observer?: SnsObserver;
}

export interface Topic {
  readonly arn: string;
  readonly region: string;
  readonly name: string;
  readonly fifo: boolean;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export interface Subscription {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: 'sqs' | 'http' | 'https';
  readonly endpoint: string;
  attributes: Record<string, string>;
  confirmed: boolean;
  readonly token: string;
  /** The compiled FilterPolicy, if any. */
  filter?: CompiledPattern;
}

/**
 * What the delivery workers (the HTTP/S worker, subscription dead-lettering, outcome reports) act on:
 * the store, the clock, the observer, the settings, the topics and subscriptions they look up, and the
 * SQS side where dead letters go. `SnsState` is one; the workers never see the rest of it.
 */
export interface SnsDeliveryPort {
  readonly store: Store;
  readonly clock: Clock;
  readonly observer: SnsObserver;
  readonly config: Pick<SnsConfig, 'logger' | 'allowHosts'>;
  /** The SQS side: a subscription's dead-letter queue is one of its queues. */
  readonly sqs: SqsState;
  findTopic(arn: string): Topic | undefined;
  findSubscription(arn: string): Subscription | undefined;
}

/**
 * What the SNS actions need of the FIFO topics' archives (`sns/archive/archive.ts`, attached to the
 * state by the composition root): record a publish, follow a topic's `ArchivePolicy`, tell the
 * archive's beginning, and wake the replays.
 */
export interface SnsArchivePort {
  /** The topic's `BeginningArchiveTime` (epoch ms), or undefined when it does not archive. */
  beginning(topic: Topic, now?: number): number | undefined;
  /** Archives one publish (inside the publish's write), when the topic archives. */
  record(topic: Topic, seq: number, n: ArchivedNotification): void;
  /** Follows a change of the topic's `ArchivePolicy` (`now` in epoch ms). */
  policyChanged(topic: Topic, attributes: Record<string, string>, now: number): void;
  /** Drops the archive of a deleted topic. */
  forget(topic: Topic): void;
  readonly replays: { wake(): void };
}

/** A notification as archived: the envelope, with the per-protocol messages of a `MessageStructure: json` publish. */
export type ArchivedNotification = Notification & { perProtocol?: Record<string, string> };
