import type { Message } from '@aws-sdk/client-sqs';

/**
 * FIFO group ordering: messages of one group run strictly in order, one at a time; groups run in
 * parallel. When a message is not finished (left for a retry), the later messages of its group that
 * were already received are released, never processed ahead of it.
 */
export class FifoGroups {
  private readonly queued = new Map<string, Message[]>();

  constructor(
    /** Processes one message; resolves true when it left the queue (deleted or dead-lettered). */
    private readonly run: (message: Message) => Promise<boolean>,
    /** Gives messages back to the queue (visibility 0) unprocessed. */
    private readonly release: (messages: Message[]) => void,
  ) {}

  /** Schedules a message behind the earlier ones of its group. */
  submit(message: Message): void {
    const group = message.Attributes?.MessageGroupId ?? '';
    const queue = this.queued.get(group);
    if (queue) {
      queue.push(message);
      return;
    }
    const fresh: Message[] = [];
    this.queued.set(group, fresh);
    void this.drain(group, message, fresh);
  }

  /** Releases every message waiting behind another (for shutdown). */
  releaseWaiting(): void {
    for (const queue of this.queued.values()) {
      const waiting = queue.splice(0);
      if (waiting.length > 0) this.release(waiting);
    }
  }

  private async drain(group: string, first: Message, queue: Message[]): Promise<void> {
    let next: Message | undefined = first;
    while (next) {
      const removed = await this.run(next);
      if (!removed) {
        const rest = queue.splice(0);
        if (rest.length > 0) this.release(rest);
      }
      next = queue.shift();
    }
    this.queued.delete(group);
  }
}
