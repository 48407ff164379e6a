import {
  closeSync,
  fdatasyncSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import type { Records } from './ops.js';

/** Bytes after which the journal goes on in a new segment file. */
const SEGMENT_BYTES = 64 * 1024 * 1024;
/** Each frame starts with its payload's length and CRC-32, 4 bytes each (little-endian). */
const HEADER = 8;
const NAME = /^log-(\d{10})\.journal$/;

/** A place in the journal: the end of a frame, in segment `segment` (both as written, from 1). */
export interface JournalPosition {
  segment: number;
  offset: number;
}

function segmentFile(dir: string, segment: number): string {
  return join(dir, `log-${String(segment).padStart(10, '0')}.journal`);
}

/** The journal's segments in `dir`, oldest first. */
export function segments(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync(dir)) {
    const match = NAME.exec(name);
    if (match) out.push(Number(match[1]));
  }
  return out.sort((a, b) => a - b);
}

/**
 * The logged engine's journal: the records of each event-loop turn, appended as one frame to a file
 * beside the database before the turn's writes are answered. It is what makes an answered write
 * durable: the log writer applies the frames to SQLite later, a window at a time (`commits.ts`), and
 * at start whatever SQLite has not applied yet is read back from here ({@link readJournal}). A frame
 * is written with one `write` system call, so `kill -9` leaves whole frames; a torn last frame (a
 * power cut) fails its length or CRC and is ignored, as it was never answered. With `fsync`, each
 * frame is also flushed to the disk before its writes are answered.
 */
export class LogJournal {
  private fd: number;
  private segment: number;
  /** The oldest segment not deleted yet (the start leaves none before {@link segment}). */
  private oldest: number;
  private offset = 0;
  private readonly header = Buffer.allocUnsafe(HEADER);

  /** Opens a new segment after `after` (the last segment read back at start, or 0). */
  constructor(
    private readonly dir: string,
    after: number,
    private readonly fsync = false,
  ) {
    this.segment = after + 1;
    this.oldest = this.segment;
    this.fd = openSync(segmentFile(dir, this.segment), 'wx');
  }

  /** Where the next frame goes: the end of everything appended so far. */
  get position(): JournalPosition {
    return { segment: this.segment, offset: this.offset };
  }

  /**
   * Appends `records` as one frame (throws, with nothing of it counted, if the write fails). Returns
   * where the frame ends, and its payload (the records serialized, which the log writer can take as
   * they are).
   */
  append(records: Records): { at: JournalPosition; payload: Buffer } {
    const payload = serialize(records);
    this.header.writeUInt32LE(payload.length, 0);
    this.header.writeUInt32LE(crc32(payload), 4);
    const written = writevSync(this.fd, [this.header, payload]);
    if (written !== HEADER + payload.length) {
      throw Object.assign(new Error(`short write to the journal (${written} bytes)`), { code: 'EIO' });
    }
    if (this.fsync) fdatasyncSync(this.fd);
    this.offset += written;
    const at = this.position;
    if (this.offset >= SEGMENT_BYTES) this.rotate();
    return { at, payload };
  }

  /** Deletes every segment before the one `applied` is in (the log writer applied them all). */
  release(applied: JournalPosition): void {
    while (this.oldest < applied.segment && this.oldest < this.segment) {
      unlinkSync(segmentFile(this.dir, this.oldest++));
    }
  }

  /** Closes the journal; with `applied` (SQLite holds all of it), deletes it too. */
  close(applied: boolean): void {
    closeSync(this.fd);
    if (applied) deleteJournal(this.dir);
  }

  private rotate(): void {
    closeSync(this.fd);
    this.segment++;
    this.offset = 0;
    this.fd = openSync(segmentFile(this.dir, this.segment), 'wx');
  }
}

/** What {@link readJournal} found after a position. */
export interface JournalTail {
  /** The records of every whole frame after the position, in order. */
  records: Records;
  /** The end of the last whole frame (the position itself when there is none). */
  end: JournalPosition;
  /** The newest segment on disk (0: none). */
  last: number;
}

/**
 * Reads back every frame of the journal in `dir` after `from` (what SQLite has applied). Stops at a
 * torn or damaged frame at the end of the newest segment; one anywhere else means the journal was
 * damaged after it was written, and throws.
 */
export function readJournal(dir: string, from: JournalPosition): JournalTail {
  const records: Array<readonly unknown[]> = [];
  let end = from;
  const all = segments(dir);
  for (const [i, segment] of all.entries()) {
    if (segment < from.segment) continue;
    const data = readFileSync(segmentFile(dir, segment));
    let at = segment === from.segment ? from.offset : 0;
    while (at + HEADER <= data.length) {
      const length = data.readUInt32LE(at);
      const payload = data.subarray(at + HEADER, at + HEADER + length);
      if (payload.length < length || crc32(payload) !== data.readUInt32LE(at + 4)) break;
      for (const chunk of deserialize(payload) as Records) records.push(chunk);
      at += HEADER + length;
      end = { segment, offset: at };
    }
    if (at < data.length && i < all.length - 1) {
      throw new Error(
        `The journal ${segmentFile(dir, segment)} is damaged at byte ${at} (a frame fails its length or CRC) and later segments follow: stop the broker and restore a backup of the data directory.`,
      );
    }
  }
  return { records, end, last: all.at(-1) ?? 0 };
}

/** Deletes every segment of the journal in `dir`. */
export function deleteJournal(dir: string): void {
  for (const s of segments(dir)) unlinkSync(segmentFile(dir, s));
}
