/** The protocol of an SNS subscription, as a delivery reports it. */
export type SnsProtocol = 'sqs' | 'http' | 'https';

/**
 * What became of one notification for one subscription:
 * `delivered` (stored in the queue, or answered 2xx), `dead_lettered` (sent to the subscription's
 * RedrivePolicy queue after the queue refused it or HTTP retries ran out), `dropped` (that failed
 * and there was no usable dead-letter queue: logged and lost), `filtered_out` (the subscription's
 * filter policy did not match).
 */
export type SnsDeliveryOutcome = 'delivered' | 'dead_lettered' | 'dropped' | 'filtered_out';

/**
 * What the SNS layer reports of its deliveries; the broker's metrics implement it. The SNS code
 * knows nothing of Prometheus: it calls these, and by default ({@link noSnsObserver}) nothing listens.
 */
export interface SnsObserver {
  /** One notification's final outcome for one subscription (counted once its write committed). */
  delivery(protocol: SnsProtocol, outcome: SnsDeliveryOutcome): void;
  /** One failed attempt: an HTTP/S POST without a 2xx answer, or a queue refusing the message. */
  failure(protocol: SnsProtocol): void;
}

/** The default observer: ignores everything. */
export const noSnsObserver: SnsObserver = {
  delivery() {},
  failure() {},
};
