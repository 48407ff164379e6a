import type { MessageContext } from '../listen/types.js';

const resources = new WeakMap<MessageContext, unknown>();

/** Links a handler run's context to its lease's store resource (e.g. a PostgreSQL transaction). */
export function withLeaseResource(context: MessageContext, resource: unknown): MessageContext {
  const linked = { ...context };
  resources.set(linked, resource);
  return linked;
}

/** The store resource of the lease held for this handler run, if any. */
export function leaseResource(context: MessageContext): unknown {
  return resources.get(context);
}
