import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../clock.js';
import type { DecodedMessage } from '../codec/decode.js';
import type { Logger } from '../logger.js';
import type { Acknowledger } from './acks.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { sendToDeadLetterQueue } from './dead-letter.js';
import type { ListenerEvents, MessageEventBase, TypedEvents } from './events.js';
import type { OutcomeMemory } from './outcomes.js';

/** What the settler needs from the listener. */
export interface SettleDeps {
  client: SQSClient;
  acks: Acknowledger;
  memory: OutcomeMemory;
  events: TypedEvents<ListenerEvents>;
  clock: Clock;
  logger: Logger;
  deadLetterQueueUrl: string | undefined;
  /** The queue listened to: recorded on dead-lettered copies, so that they can be redriven to it. */
  queueUrl?: string;
  backoff: BackoffOptions;
  /** True while shutting down: retries are released at once (visibility 0) instead of backed off. */
  stopping: () => boolean;
  /** The decoded payload of a received message (decoded once, on receipt). */
  decoded: (message: Message) => DecodedMessage;
  /** Where this listener itself sends dead letters: the option, or the queue's redrive target (read at start). */
  deadLetterQueue?: () => string | undefined;
}

/**
 * Carries out a verdict on a message: delete it, leave it for a retry with a backoff, or move it to
 * the dead-letter queue. Each resolves true when the message left the queue.
 */
export class Settler {
  constructor(private readonly deps: SettleDeps) {}

  /** Deletes the message (batched); forgets its outcomes once gone. */
  async delete(message: Message): Promise<boolean> {
    const id = message.MessageId ?? '';
    try {
      await this.deps.acks.delete(message.ReceiptHandle ?? '');
      this.deps.memory.forget(id);
      return true;
    } catch (error) {
      // The subscribers' outcomes stay remembered: a redelivery here only deletes it.
      this.report(error, 'delete', message);
      return false;
    }
  }

  /**
   * Leaves the message for a retry: visibility set to the backoff for its receive count, rounded up
   * to whole seconds (SQS visibility timeouts are in seconds).
   */
  async retry(message: Message, receiveCount: number): Promise<boolean> {
    const delaySeconds = this.deps.stopping()
      ? 0
      : Math.ceil(backoffDelay(receiveCount, { initialMs: 1000, ...this.deps.backoff }) / 1000);
    try {
      await this.deps.acks.changeVisibility(message.ReceiptHandle ?? '', delaySeconds);
      this.deps.events.emit('retried', { ...this.facts(message), receiveCount, delaySeconds });
    } catch (error) {
      this.report(error, 'retry', message);
    }
    return false;
  }

  /** Gives a message back untouched (visibility 0); emits `released` once it is back. */
  async release(message: Message, reason: 'stopping' | 'fifo-group'): Promise<void> {
    try {
      await this.deps.acks.changeVisibility(message.ReceiptHandle ?? '', 0);
      this.deps.events.emit('released', { ...this.facts(message), reason });
    } catch (error) {
      this.report(error, 'release', message);
    }
  }

  /** The id, raw message and decoded payload every message event carries. */
  facts(message: Message): MessageEventBase {
    return {
      messageId: message.MessageId ?? '',
      queueUrl: this.deps.queueUrl ?? '',
      message,
      payload: this.deps.decoded(message),
    };
  }

  /**
   * Moves the message to the dead-letter queue with `reason`, then deletes it. Without a configured
   * dead-letter queue the message is left (with a backoff) for the queue's own RedrivePolicy — never
   * deleted silently.
   */
  async deadLetter(message: Message, receiveCount: number, reason: string): Promise<boolean> {
    const id = message.MessageId ?? '';
    const url = this.deps.deadLetterQueue?.() ?? this.deps.deadLetterQueueUrl;
    if (url === undefined) {
      this.deps.logger.error(
        { messageId: id, reason },
        'message cannot be processed; no dead-letter queue configured, left for the RedrivePolicy',
      );
      this.deps.events.emit('error', {
        error: new Error(reason),
        phase: 'dead-letter',
        ...this.facts(message),
      });
      return this.retry(message, receiveCount);
    }
    try {
      const { reasonAttached } = await sendToDeadLetterQueue(
        this.deps.client,
        url,
        message,
        reason,
        this.deps.clock,
        this.deps.queueUrl,
      );
      if (!reasonAttached)
        this.deps.logger.warn(
          { messageId: id, reason },
          'dead-letter reason left out: no room for one more attribute',
        );
    } catch (error) {
      this.report(error, 'dead-letter', message);
      return this.retry(message, receiveCount);
    }
    this.deps.logger.warn({ messageId: id, reason }, 'message moved to the dead-letter queue');
    this.deps.events.emit('dead-lettered', { ...this.facts(message), reason, deadLetterQueueUrl: url });
    return this.delete(message);
  }

  private report(error: unknown, phase: string, message: Message): void {
    this.deps.logger.error({ err: error, phase, messageId: message.MessageId }, `listener ${phase} failed`);
    this.deps.events.emit('error', { error, phase, ...this.facts(message) });
  }
}
