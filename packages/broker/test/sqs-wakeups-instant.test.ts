// A long poll reads the clock at every step of its loop. On the system clock a timer can fire a
// millisecond before `Date.now()` reaches its instant (libuv keeps time in whole milliseconds), so a
// receive that woke for a visibility timeout could find nothing at one instant and then ask for the
// next visibility time at the next millisecond, when the message had become visible: there was none
// to wait for, and it waited to its deadline with the message there (CI saw 9997 ms of 10 s). This
// clock makes that happen every time: its timers fire 1 ms early, and it reaches their instant at
// the read after.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Clock } from '../src/clock.js';
import { queueName, type Sqs, setup } from './support/clients.js';

/** Long enough to tell a wake-up at the visibility time (1 s) from one at the deadline. */
const WAIT_S = 3;

/**
 * The system clock, but every timer fires as if `Date.now()` lagged by a millisecond: the first read
 * after it fires gives 1 ms before its instant, the next ones the real time (at or past it).
 */
function earlyTimersClock(): Clock {
  let skewed: number | undefined;
  return {
    now() {
      if (skewed === undefined) return Date.now();
      const read = Math.min(skewed, Date.now());
      skewed = undefined;
      return read;
    },
    setTimeout(fn, ms) {
      const at = Date.now() + Math.max(0, ms);
      const handle = setTimeout(
        () => {
          skewed = at - 1;
          fn();
        },
        Math.max(0, ms),
      );
      handle.unref();
      return { cancel: () => clearTimeout(handle) };
    },
  };
}

describe('a long poll whose timer fires a millisecond early', () => {
  const clock = earlyTimersClock();
  let env: Awaited<ReturnType<typeof setup>>;
  let sqs: Sqs;
  before(async () => {
    env = await setup({ time: clock });
    sqs = env.clients.json;
  });
  after(() => env.teardown());

  /** A long poll on `QueueUrl`: the bodies it got, and how long after it began (ms of the clock). */
  async function longPoll(QueueUrl: string) {
    const start = clock.now();
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: WAIT_S });
    return { bodies: (Messages ?? []).map((m: { Body: string }) => m.Body), waited: clock.now() - start };
  }

  it('gets a message when its visibility timeout ends, not at the deadline', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: queueName() });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'again' });
    await sqs.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 1 });
    const { bodies, waited } = await longPoll(QueueUrl);
    assert.deepEqual(bodies, ['again']);
    assert.ok(waited < 2_000, `handed out ${waited} ms after the poll began`);
  });

  it('gets a delayed message when its delay ends', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: queueName() });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 1 });
    const { bodies, waited } = await longPoll(QueueUrl);
    assert.deepEqual(bodies, ['later']);
    assert.ok(waited < 2_000, `handed out ${waited} ms after the poll began`);
  });

  it('gets a FIFO message when the visibility timeout of the one holding its group ends', async () => {
    const { QueueUrl } = await sqs.call('CreateQueue', {
      QueueName: `${queueName()}.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
    });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'first', MessageGroupId: 'g' });
    await sqs.call('ReceiveMessage', { QueueUrl, VisibilityTimeout: 1 });
    const { bodies, waited } = await longPoll(QueueUrl);
    assert.deepEqual(bodies, ['first']);
    assert.ok(waited < 2_000, `handed out ${waited} ms after the poll began`);
  });
});
