import type { SnsDeliveryOutcome, SnsProtocol } from '../observer.js';
import type { SnsDeliveryPort } from '../types.js';

/** Tells the observer of an outcome once the write that holds it commits (a rolled-back one never counts). */
export function report(
  sns: Pick<SnsDeliveryPort, 'store' | 'observer'>,
  protocol: SnsProtocol,
  outcome: SnsDeliveryOutcome,
): void {
  sns.store.afterCommit(() => sns.observer.delivery(protocol, outcome));
}
