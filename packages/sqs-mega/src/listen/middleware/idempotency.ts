import { withLeaseResource } from '../../idempotency/context.js';
import type { Claim, IdempotencyStore, Lease } from '../../idempotency/store.js';
import { type Logger, silentLogger } from '../../logger.js';
import { RetriableError } from '../errors.js';
import { isProcessStatus, type MessageContext, type Middleware, ProcessStatus } from '../types.js';

/** Options of {@link idempotency}. */
export interface IdempotencyOptions {
  /** Where keys are claimed: `memoryStore()`, `redisStore()`, `postgresStore()`. */
  store: IdempotencyStore;
  /**
   * The message's idempotency key (a business key from the payload, say). Returning `undefined`
   * falls back to {@link defaultIdempotencyKey}. The subscriber's name is appended, so each
   * subscriber completes a message on its own.
   */
  key?: (payload: unknown, context: MessageContext) => string | undefined;
  /** How long a claim holds without renewal, ms (default 30,000); renewed every half of it while the handler runs. */
  leaseMs?: number;
  /** How long a completion record is kept, ms (default 86,400,000: a day). */
  ttlMs?: number;
  /**
   * When another consumer holds the claim: `retry` (default) fails the run with a retriable
   * {@link IdempotencyBusyError}, so the message comes back after its backoff and then finds the
   * work done (or the lease expired); `wait` polls the store until the claim ends, up to `waitMs`.
   */
  onBusy?: 'retry' | 'wait';
  /** With `onBusy: 'wait'`, the longest wait, ms (default: `leaseMs`). */
  waitMs?: number;
  logger?: Logger;
}

/** Another consumer is running the same key right now (retriable: the message comes back). */
export class IdempotencyBusyError extends RetriableError {
  override name = 'IdempotencyBusyError';
  constructor(
    readonly key: string,
    readonly store: string,
  ) {
    super(`idempotency key ${key} is being processed elsewhere (store ${store}); retrying later`);
  }
}

/**
 * The default key: the MEGA event's id (`event.id`, which the reader keeps in
 * `event.attributes.id`), else the FIFO `MessageDeduplicationId`, else the SNS notification's
 * `MessageId` (the same in every queue it fans out to), else the SQS message id.
 */
export function defaultIdempotencyKey(context: MessageContext): string {
  const decoded = context.decoded;
  if (decoded.kind === 'mega') {
    const id = decoded.event.event.attributes?.id;
    if (typeof id === 'string' || typeof id === 'number') return `event:${id}`;
  }
  const dedup = context.systemAttributes.MessageDeduplicationId;
  if (dedup) return `dedup:${context.systemAttributes.MessageGroupId ?? ''}:${dedup}`;
  if (context.sns?.messageId) return `sns:${context.sns.messageId}`;
  return `sqs:${context.messageId}`;
}

/**
 * Exactly-once effects over at-least-once delivery: before a subscriber's handler runs, its key
 * (per message and subscriber) is claimed in `store`; done keys are skipped (status `done`), keys
 * held elsewhere are retried later (or waited for), and a finished run records the key as done
 * for `ttlMs`. A failed run gives the claim back, so the redelivery runs only the subscribers that
 * failed. A store that cannot be reached fails the run with a retriable `IdempotencyStoreError`
 * naming the store and its address: the message is not acknowledged and comes back.
 */
export function idempotency(options: IdempotencyOptions): Middleware {
  const { store } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const ttlMs = options.ttlMs ?? 86_400_000;
  const logger = options.logger ?? silentLogger;
  return (next) => async (payload, context) => {
    const base = options.key?.(payload, context) ?? defaultIdempotencyKey(context);
    const key = `${base}/${context.subscriber}`;
    let claim = await store.claim(key, leaseMs);
    if (claim.state === 'busy' && options.onBusy === 'wait')
      claim = await waitForClaim(store, key, leaseMs, options.waitMs ?? leaseMs, claim, context.signal);
    if (claim.state === 'done') {
      logger.debug(
        { messageId: context.messageId, subscriber: context.subscriber, key },
        'already done; skipped',
      );
      return ProcessStatus.DONE;
    }
    if (claim.state === 'busy') throw new IdempotencyBusyError(key, store.description);
    const { lease } = claim;
    const renew = startRenewal(lease, leaseMs, (error) =>
      logger.warn({ err: error, key }, 'idempotency lease renewal failed'),
    );
    let status: Awaited<ReturnType<typeof next>>;
    try {
      status = await next(
        payload,
        lease.resource === undefined ? context : withLeaseResource(context, lease.resource),
      );
    } catch (error) {
      renew();
      await giveBack(lease, key, logger);
      throw error;
    }
    renew();
    if (isProcessStatus(status) && status !== ProcessStatus.DONE) {
      await giveBack(lease, key, logger);
      return status;
    }
    try {
      await lease.complete(ttlMs);
    } catch (error) {
      // A transactional completion that failed rolled the handler's writes back: run it again.
      if (lease.transactional) throw error;
      logger.error({ err: error, key }, 'the work is done but its completion record was not stored');
    }
    return status;
  };
}

async function giveBack(lease: Lease, key: string, logger: Logger): Promise<void> {
  await lease
    .release()
    .catch((error) =>
      logger.warn({ err: error, key }, 'idempotency claim not released; it frees itself when its lease ends'),
    );
}

function startRenewal(lease: Lease, leaseMs: number, onError: (error: unknown) => void): () => void {
  if (!lease.extend) return () => {};
  const timer = setInterval(() => lease.extend?.(leaseMs).catch(onError), Math.max(10, leaseMs / 2));
  timer.unref?.();
  return () => clearInterval(timer);
}

async function waitForClaim(
  store: IdempotencyStore,
  key: string,
  leaseMs: number,
  waitMs: number,
  first: Claim,
  signal: AbortSignal,
): Promise<Claim> {
  const deadline = Date.now() + waitMs;
  let claim = first;
  while (claim.state === 'busy' && Date.now() < deadline && !signal.aborted) {
    const pause = Math.min(250, Math.max(10, claim.retryAfterMs ?? 100), Math.max(1, deadline - Date.now()));
    await new Promise((resolve) => setTimeout(resolve, pause));
    claim = await store.claim(key, leaseMs);
  }
  return claim;
}
