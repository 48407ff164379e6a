import type { Msg } from './queue-state.js';

/** Messages per {@link SeqIndex} chunk. */
const CHUNK = 128;

/** One run of {@link CHUNK} consecutive seqs. */
class Chunk {
  readonly slots: Array<Msg | undefined> = new Array<Msg | undefined>(CHUNK).fill(undefined);
  /** Messages in `slots`. */
  count = 0;
}

/**
 * Every message of the store by seq: runs of {@link CHUNK} consecutive seqs, each an array, in a `Map`
 * by run; a run is dropped when its last message goes. Seqs are handed out in order and a backlog's
 * messages mostly leave in order, so a message costs ~9 bytes here where a `Map` entry took ~30-40
 * (measured with a heap snapshot, Node 20); the most a lone message keeps alive is its run, ~1 KB.
 */
export class SeqIndex {
  private readonly chunks = new Map<number, Chunk>();

  /** Chunks held: one per run of {@link CHUNK} seqs with a message in it. */
  get chunkCount(): number {
    return this.chunks.size;
  }

  /** The message of `seq` (any number: undefined for one no message has). */
  get(seq: number): Msg | undefined {
    const key = Math.floor(seq / CHUNK);
    const m = this.chunks.get(key)?.slots[seq - key * CHUNK];
    return m !== undefined && m.seq === seq ? m : undefined;
  }

  /** Whether a message has `seq`. */
  has(seq: number): boolean {
    return this.get(seq) !== undefined;
  }

  /** Adds `m` under its seq (a positive integer no other message of the index has). */
  set(seq: number, m: Msg): void {
    const key = Math.floor(seq / CHUNK);
    let chunk = this.chunks.get(key);
    if (chunk === undefined) {
      chunk = new Chunk();
      this.chunks.set(key, chunk);
    }
    const i = seq - key * CHUNK;
    if (chunk.slots[i] === undefined) chunk.count++;
    chunk.slots[i] = m;
  }

  delete(seq: number): void {
    const key = Math.floor(seq / CHUNK);
    const chunk = this.chunks.get(key);
    if (chunk === undefined) return;
    const i = seq - key * CHUNK;
    if (chunk.slots[i] === undefined) return;
    chunk.slots[i] = undefined;
    if (--chunk.count === 0) this.chunks.delete(key);
  }
}
