// sqs-mega/idempotency: the idempotency middleware, the store contract and the in-memory store.
// The Redis and PostgreSQL stores are separate entry points (sqs-mega/idempotency/redis,
// sqs-mega/idempotency/postgres), so an application loads only the client it uses.
export {
  defaultIdempotencyKey,
  IdempotencyBusyError,
  type IdempotencyOptions,
  idempotency,
} from '../listen/middleware/idempotency.js';
export { leaseResource } from './context.js';
export { type MemoryStoreOptions, memoryStore } from './memory.js';
export { type Claim, type IdempotencyStore, IdempotencyStoreError, type Lease } from './store.js';
