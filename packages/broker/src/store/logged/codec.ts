/**
 * The log's wire form between the main thread and the log writer: each value as a tag byte and its
 * bytes, written into one buffer per batch that is transferred (not copied) to the writer. Posting the
 * records as a JS array instead had the structured clone copy and walk every value on the main thread
 * (~3–5 µs per 1 KiB message, against ~1 µs to write it here).
 */

const NULL = 0;
const NUMBER = 1;
const STRING = 2;
const JSON_VALUE = 3;

/** A growable buffer of encoded values, written by the recorder, handed over whole by {@link LogBuffer.take}. */
export class LogBuffer {
  private buf: Buffer;
  private at = 0;

  constructor(private readonly initial = 64 * 1024) {
    this.buf = fresh(initial);
  }

  /** Bytes written. */
  get length(): number {
    return this.at;
  }

  /** Forgets what was written after `length` bytes (a write undone before it was sent). */
  truncate(length: number): void {
    this.at = length;
  }

  num(n: number): void {
    this.room(9);
    this.buf[this.at] = NUMBER;
    this.buf.writeDoubleLE(n, this.at + 1);
    this.at += 9;
  }

  str(s: string | null): void {
    if (s === null) {
      this.room(1);
      this.buf[this.at++] = NULL;
      return;
    }
    this.text(STRING, s);
  }

  /** A number, a string or null, as it comes. */
  value(v: number | string | null): void {
    if (typeof v === 'number') this.num(v);
    else this.str(v);
  }

  /** Any JSON value (a contract call's arguments). */
  json(v: unknown): void {
    this.text(JSON_VALUE, JSON.stringify(v));
  }

  /**
   * What was written: its ArrayBuffer, to transfer (no copy), and how many of its bytes count; the
   * writing goes on in a fresh buffer.
   */
  take(): { bytes: ArrayBuffer; length: number } {
    const out = { bytes: this.buf.buffer as ArrayBuffer, length: this.at };
    this.buf = fresh(Math.max(this.initial, Math.min(this.buf.length, 2 * this.at)));
    this.at = 0;
    return out;
  }

  private text(tag: number, s: string): void {
    this.room(5 + s.length * 3);
    this.buf[this.at] = tag;
    const n = this.buf.write(s, this.at + 5, 'utf8');
    this.buf.writeUInt32LE(n, this.at + 1);
    this.at += 5 + n;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = fresh(Math.max(this.buf.length * 2, this.at + bytes, this.initial));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}

/** A buffer with an ArrayBuffer of its own (not a slice of Node's pool). */
function fresh(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size));
}

/** The values of an encoded batch, in order (the flat record array of `ops.ts`). */
export function decode(bytes: ArrayBuffer, length: number): unknown[] {
  const buf = Buffer.from(bytes, 0, length);
  const out: unknown[] = [];
  for (let at = 0; at < buf.length; ) {
    const tag = buf[at];
    if (tag === NULL) {
      out.push(null);
      at += 1;
    } else if (tag === NUMBER) {
      out.push(buf.readDoubleLE(at + 1));
      at += 9;
    } else if (tag === STRING || tag === JSON_VALUE) {
      const n = buf.readUInt32LE(at + 1);
      const s = buf.toString('utf8', at + 5, at + 5 + n);
      out.push(tag === STRING ? s : JSON.parse(s));
      at += 5 + n;
    } else throw new Error(`corrupt log batch: tag ${tag} at byte ${at}`);
  }
  return out;
}
