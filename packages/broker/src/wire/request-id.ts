import { randomBytes } from 'node:crypto';

// 20 random hex digits drawn once per process (with the UUID v4 version and variant nibbles), then
// a 48-bit counter: ids are unique within a process, and a restarted broker draws a new prefix.
const seed = randomBytes(10).toString('hex');
const PREFIX = `${seed.slice(0, 8)}-${seed.slice(8, 12)}-4${seed.slice(13, 16)}-${'89ab'[Number.parseInt(seed[16] as string, 16) & 3]}${seed.slice(17, 20)}-`;
const COUNTER_START = Number.parseInt(randomBytes(4).toString('hex'), 16);
let counter = COUNTER_START;

/**
 * A request id shaped like a UUID (`8-4-4-4-12` hex digits, version 4), as AWS sends in
 * `x-amzn-RequestId`: a fixed random prefix and a counter, a few times cheaper than `randomUUID()`
 * per request. Not a secret, not for message ids (those are random: `sqs/message-id.ts`).
 */
export function requestId(): string {
  counter = (counter + 1) % 0x1000000000000;
  return PREFIX + counter.toString(16).padStart(12, '0');
}
