import type { NewDelivery, Store } from '../../store/contract.js';

/**
 * Where the SNS actions put HTTP/S deliveries (and subscription confirmations): rows of the store's
 * `snsDeliveries`, inserted in the caller's write so they survive a restart. The worker that sends
 * them (`HttpDeliveries`) is built apart, by the composition root, and told of each committed add.
 */
export class DeliveryOutbox {
  private added: () => void = () => {};

  constructor(private readonly store: Store) {}

  /** Stores a delivery inside the caller's write; the worker is told once that write commits. */
  add(row: NewDelivery): void {
    this.store.snsDeliveries.insert(row);
    this.store.afterCommit(this.added);
  }

  /** The worker to tell of committed deliveries (one; a later call replaces it). */
  onAdded(fn: () => void): void {
    this.added = fn;
  }
}
