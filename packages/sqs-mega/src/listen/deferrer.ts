import { randomUUID } from 'node:crypto';
import {
  type Message,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Clock } from '../clock.js';
import { MegaError } from '../errors.js';
import type { Logger } from '../logger.js';
import { LIMITS, messageBytes } from '../publish/limits.js';
import { type Acknowledger, MAX_VISIBILITY_SECONDS } from './acks.js';
import { retrying } from './backoff.js';
import {
  DEFER_SOURCE_ATTRIBUTE,
  DEFER_TARGETS_ATTRIBUTE,
  DEFER_UNTIL_ATTRIBUTE,
  type DeferMode,
  type Deferral,
  MAX_DELAY_SECONDS,
} from './defer.js';
import type { ListenerEvents, TypedEvents } from './events.js';
import type { Settler } from './settle.js';

/**
 * How the listener carries out deferrals (`DeferError`, thrown by a handler or by a flow-control
 * middleware such as `rateLimit` or `circuitBreaker` from `sqs-mega/flow`). Declared once, on the
 * listener: `new Listener({ ..., deferral: { delayedQueueUrl } })`.
 */
export interface DeferralOptions {
  /**
   * `reroute` (default when `delayedQueueUrl` is set): a copy (same body and attributes, plus
   * `mega-defer-targets` and `mega-defer-source`) is sent to `delayedQueueUrl` with `DelaySeconds`,
   * then the original is deleted — send first, delete after, so nothing is lost; a crash between the
   * two leaves both (a duplicate). The copy starts with a receive count of 1.
   * `visibility` (default without `delayedQueueUrl`): ChangeMessageVisibility to the delay; the
   * receive count grows, so near `maxAttempts` (see `rerouteMargin`) the message is rerouted instead.
   */
  mode?: DeferMode;
  /**
   * Queue that rerouted copies go to (it may be the listened queue itself). Required for `reroute`.
   * For a FIFO queue it must be FIFO too, and its own `DelaySeconds` is the delay (SQS has no
   * per-message delay on FIFO queues): declare it in the topology with `delaySeconds`.
   */
  delayedQueueUrl?: string;
  /**
   * Also consume `delayedQueueUrl` (when it is another queue) with the same subscribers, options and
   * middleware: `start()`/`stop()`/`on()`/`stats` cover both. Default true; false when another process
   * consumes it.
   */
  consumeDelayedQueue?: boolean;
  /**
   * In `visibility` mode, a message with `maxAttempts - rerouteMargin` receives or more is rerouted
   * instead (fresh receive count), so that a deferral never brings it to the dead-letter queue.
   * Default 1. Without `delayedQueueUrl`, it is rerouted to the listened queue itself.
   */
  rerouteMargin?: number;
}

/** A `deferral` option the listener cannot honour: names the option and the rule. */
export class FlowOptionError extends MegaError {
  override name = 'FlowOptionError';
  constructor(
    /** The option, e.g. `deferral.delayedQueueUrl` or `rateLimit.rate`. */
    readonly option: string,
    readonly value: unknown,
    /** What it must be. */
    readonly rule: string,
  ) {
    super(`${option} must be ${rule} (got ${typeof value === 'function' ? 'a function' : String(value)})`);
  }
}

/** Checks deferral options at construction. @throws {@link FlowOptionError} */
export function checkDeferral(options: DeferralOptions | undefined, queueUrl: string): void {
  if (!options) return;
  if (options.mode !== undefined && options.mode !== 'reroute' && options.mode !== 'visibility')
    throw new FlowOptionError('deferral.mode', options.mode, "'reroute' or 'visibility'");
  if (options.mode === 'reroute' && !options.delayedQueueUrl)
    throw new FlowOptionError(
      'deferral.delayedQueueUrl',
      options.delayedQueueUrl,
      "a queue URL when deferral.mode is 'reroute' (it may be the listened queue itself)",
    );
  const url = options.delayedQueueUrl;
  if (url !== undefined && url.endsWith('.fifo') !== queueUrl.endsWith('.fifo'))
    throw new FlowOptionError(
      'deferral.delayedQueueUrl',
      url,
      `a ${queueUrl.endsWith('.fifo') ? 'FIFO' : 'standard'} queue, like the listened queue ${queueUrl}`,
    );
  const margin = options.rerouteMargin;
  if (margin !== undefined && !(Number.isInteger(margin) && margin >= 0))
    throw new FlowOptionError('deferral.rerouteMargin', margin, 'an integer ≥ 0');
}

/** The options of the companion listener on the delayed queue, or undefined when there is none. */
export function delayedQueueOptions<
  O extends { queueUrl: string; deferral?: DeferralOptions; fifo?: boolean; instrument?: readonly unknown[] },
>(options: O): O | undefined {
  const deferral = options.deferral;
  const url = deferral?.delayedQueueUrl;
  if (!deferral || !url || url === options.queueUrl || deferral.consumeDelayedQueue === false)
    return undefined;
  // Instrumentations (metrics, tracing) attach to one listener each: they observe the listened queue.
  return {
    ...options,
    queueUrl: url,
    fifo: undefined,
    instrument: [],
    deferral: { ...deferral, consumeDelayedQueue: false },
  };
}

/** What the deferrer needs from the listener. */
export interface DeferrerDeps {
  client: SQSClient;
  queueUrl: string;
  acks: Acknowledger;
  settler: Settler;
  events: TypedEvents<ListenerEvents>;
  clock: Clock;
  logger: Logger;
  options: DeferralOptions;
  maxAttempts: () => number;
}

/** Carries out deferrals: a delayed copy then a delete (reroute), or a visibility change. */
export class Deferrer {
  constructor(private readonly deps: DeferrerDeps) {}

  /** A rerouted copy whose chained deferral (over 900 s, or a FIFO queue's delay) is not yet due. */
  early(message: Message): Deferral | undefined {
    const until = Number(message.MessageAttributes?.[DEFER_UNTIL_ATTRIBUTE]?.StringValue);
    if (!Number.isFinite(until)) return undefined;
    const remaining = until - this.deps.clock.now();
    if (remaining < 1000) return undefined;
    // On a FIFO queue the copy waits out the rest invisible: rerouting again would come back at once
    // when the delayed queue's own DelaySeconds is shorter.
    const mode = this.deps.queueUrl.endsWith('.fifo') ? 'visibility' : undefined;
    return { seconds: Math.ceil(remaining / 1000), reason: 'chained deferral', mode, subscribers: undefined };
  }

  /** Defers the message; resolves true when it left the queue (rerouted). */
  async defer(message: Message, receiveCount: number, deferral: Deferral): Promise<boolean> {
    const { options } = this.deps;
    const mode = deferral.mode ?? options.mode ?? (options.delayedQueueUrl ? 'reroute' : 'visibility');
    if (mode === 'visibility') {
      const margin = options.rerouteMargin ?? 1;
      const nearLimit = receiveCount >= this.deps.maxAttempts() - margin;
      if (!nearLimit && deferral.seconds <= this.visibilityBudget(message))
        return this.hide(message, deferral);
    }
    const target = options.delayedQueueUrl ?? this.deps.queueUrl;
    const copy = this.copy(message, deferral, target);
    if (!copy) {
      this.deps.logger.warn(
        { messageId: message.MessageId },
        'deferral: no room for the defer attributes (10 attributes or 256 KiB), deferred by visibility',
      );
      return this.hide(message, deferral);
    }
    try {
      await retrying(() => this.deps.client.send(new SendMessageCommand(copy)), {
        clock: this.deps.clock,
        attempts: 8,
        backoff: { initialMs: 50, maxMs: 2000 },
      });
    } catch (error) {
      this.deps.logger.error({ err: error, messageId: message.MessageId }, 'deferral: reroute failed');
      this.deps.events.emit('error', { error, phase: 'defer', ...this.deps.settler.facts(message) });
      return this.hide(message, deferral);
    }
    this.emit(message, deferral, 'reroute', target);
    return this.deps.settler.delete(message);
  }

  /** Seconds the message may still be made invisible (SQS: 12 hours from its first receive). */
  private visibilityBudget(message: Message): number {
    const first = Number(message.Attributes?.ApproximateFirstReceiveTimestamp);
    const elapsed = Number.isFinite(first) ? Math.max(0, (this.deps.clock.now() - first) / 1000) : 0;
    return Math.floor(MAX_VISIBILITY_SECONDS - elapsed) - 1;
  }

  private async hide(message: Message, deferral: Deferral): Promise<boolean> {
    const seconds = Math.max(0, Math.min(deferral.seconds, this.visibilityBudget(message)));
    try {
      await this.deps.acks.changeVisibility(message.ReceiptHandle ?? '', seconds);
      this.emit(message, { ...deferral, seconds }, 'visibility', this.deps.queueUrl);
    } catch (error) {
      this.deps.logger.error(
        { err: error, messageId: message.MessageId },
        'deferral: visibility change failed',
      );
      this.deps.events.emit('error', { error, phase: 'defer', ...this.deps.settler.facts(message) });
    }
    return false;
  }

  private emit(message: Message, deferral: Deferral, mode: DeferMode, queueUrl: string): void {
    this.deps.logger.info(
      { messageId: message.MessageId, seconds: deferral.seconds, mode, reason: deferral.reason },
      'message deferred',
    );
    this.deps.events.emit('deferred', {
      ...this.deps.settler.facts(message),
      seconds: deferral.seconds,
      reason: deferral.reason,
      mode,
      queueUrl,
    });
  }

  /** The SendMessage input of the delayed copy, or undefined when the defer attributes do not fit. */
  private copy(message: Message, deferral: Deferral, target: string) {
    const body = message.Body ?? '';
    const attributes: Record<string, MessageAttributeValue> = { ...message.MessageAttributes };
    const source = attributes[DEFER_SOURCE_ATTRIBUTE]?.StringValue ?? this.deps.queueUrl;
    const targets = deferral.subscribers
      ? JSON.stringify(deferral.subscribers)
      : attributes[DEFER_TARGETS_ATTRIBUTE]?.StringValue;
    delete attributes[DEFER_UNTIL_ATTRIBUTE];
    const fifo = target.endsWith('.fifo');
    const delay = Math.min(MAX_DELAY_SECONDS, deferral.seconds);
    attributes[DEFER_SOURCE_ATTRIBUTE] = { DataType: 'String', StringValue: source };
    if (targets !== undefined)
      attributes[DEFER_TARGETS_ATTRIBUTE] = { DataType: 'String', StringValue: targets };
    // Chained past SQS's 900 s, or on FIFO queues (whose delay is the queue's): due time on the copy.
    if (fifo || deferral.seconds > delay)
      attributes[DEFER_UNTIL_ATTRIBUTE] = {
        DataType: 'Number',
        StringValue: String(this.deps.clock.now() + deferral.seconds * 1000),
      };
    const fits =
      Object.keys(attributes).length <= LIMITS.maxAttributes &&
      messageBytes(body, attributes as Record<string, { DataType: string }>) <= LIMITS.sqsMaxBytes;
    if (!fits) return undefined;
    return {
      QueueUrl: target,
      MessageBody: body,
      MessageAttributes: attributes,
      ...(fifo
        ? {
            MessageGroupId: message.Attributes?.MessageGroupId ?? 'deferred',
            MessageDeduplicationId: randomUUID(),
          }
        : { DelaySeconds: delay }),
    };
  }
}
