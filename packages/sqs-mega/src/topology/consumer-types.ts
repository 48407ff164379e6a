// The consumer declarations of a topology (types only, so that types.ts can name them without a cycle).

/** One queue of a declared consumer: a declared queue, by name, with its rank or share. */
export interface ConsumerQueueDeclaration {
  /** Name of a declared queue. */
  queue: string;
  /** `strict` only: a higher number is received first (default: the list order). See `ListenerQueue.priority`. */
  priority?: number;
  /** Share of the receives, a finite number > 0 (default 1). See `ListenerQueue.weight`. */
  weight?: number;
  /** `strict` only: the fraction of receives kept for this queue, 0 ≤ minShare < 1 (default 0). */
  minShare?: number;
}

/** A priority listener's queues, declared in the topology: `new Listener({ client, ...consumerOptions(...) })`. */
export interface ConsumerDeclaration {
  /** Unique name of the consumer, e.g. `worker`. */
  name: string;
  /** Its queues, in priority order for `strict`. */
  queues: ConsumerQueueDeclaration[];
  /** `strict` (default) or `weighted`. */
  policy?: 'strict' | 'weighted';
}
