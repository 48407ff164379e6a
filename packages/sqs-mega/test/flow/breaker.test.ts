import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DeferError,
  FatalError,
  type MessageContext,
  ProcessStatus,
  RetriableError,
  TestClock,
} from 'sqs-mega';
import { type CircuitTransition, circuitBreaker, FlowOptionError } from 'sqs-mega/flow';

const ctx = { subscriber: 'payments', attributes: {} } as unknown as MessageContext;

function harness(options: Parameters<typeof circuitBreaker>[0] = {}) {
  const clock = new TestClock();
  const breaker = circuitBreaker({ clock, failures: 3, cooldownMs: 10_000, ...options });
  const transitions: string[] = [];
  breaker.on('circuit', (t: CircuitTransition) => transitions.push(`${t.from}>${t.to}`));
  let healthy = true;
  let calls = 0;
  const handler = breaker.middleware(() => {
    calls++;
    if (!healthy) throw new RetriableError('downstream down');
  });
  const run = async (): Promise<'ok' | 'failed' | number> => {
    try {
      await handler({}, ctx);
      return 'ok';
    } catch (error) {
      if (error instanceof DeferError) return error.seconds;
      return 'failed';
    }
  };
  return {
    clock,
    breaker,
    transitions,
    run,
    calls: () => calls,
    setHealthy: (h: boolean) => {
      healthy = h;
    },
  };
}

describe('circuitBreaker, on a logical clock', () => {
  test('consecutive failures open it; open defers without calling; after the cool-down one probe; success closes', async () => {
    const h = harness();
    h.setHealthy(false);
    assert.deepEqual([await h.run(), await h.run()], ['failed', 'failed']);
    // the third failure opens it: that message is deferred, not failed
    assert.equal(await h.run(), 10);
    assert.equal(h.breaker.state('payments'), 'open');
    const before = h.calls();
    await h.clock.advance(4_000);
    assert.equal(await h.run(), 6, 'deferred for the rest of the cool-down');
    assert.equal(h.calls(), before, 'no call to the downstream while open');
    await h.clock.advance(6_000);
    // half-open: one probe, it fails: open again, the probe deferred
    assert.equal(await h.run(), 10);
    assert.equal(h.calls(), before + 1);
    assert.deepEqual(h.transitions, ['closed>open', 'open>half-open', 'half-open>open']);
    await h.clock.advance(10_000);
    h.setHealthy(true);
    assert.equal(await h.run(), 'ok');
    assert.equal(h.breaker.state('payments'), 'closed');
    assert.deepEqual(h.transitions.slice(3), ['open>half-open', 'half-open>closed']);
    assert.equal(await h.run(), 'ok');
  });

  test('half-open admits a bounded number of probes at once; the others are deferred', async () => {
    const clock = new TestClock();
    const breaker = circuitBreaker({ clock, failures: 1, cooldownMs: 1000, probes: 2 });
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let fail = true;
    const handler = breaker.middleware(async () => {
      calls++;
      if (fail) throw new RetriableError('x');
      await gate;
    });
    await assert.rejects(Promise.resolve(handler({}, ctx)), DeferError);
    await clock.advance(1000);
    fail = false;
    const probes = [handler({}, ctx), handler({}, ctx)];
    await assert.rejects(Promise.resolve(handler({}, ctx)), DeferError);
    assert.equal(calls, 3);
    release();
    await Promise.all(probes);
    assert.equal(breaker.state('payments'), 'closed');
  });

  test('a failure rate over the window opens it once minRequests are in; returned retry statuses count', async () => {
    const clock = new TestClock();
    const breaker = circuitBreaker({
      clock,
      failures: 100,
      failureRate: 0.5,
      minRequests: 4,
      windowMs: 10_000,
    });
    let n = 0;
    const handler = breaker.middleware(() => (n++ % 2 === 1 ? ProcessStatus.RETRY_LATER : undefined));
    for (let i = 0; i < 3; i++) await handler({}, ctx);
    assert.equal(breaker.state('payments'), 'closed', 'below minRequests');
    await assert.rejects(Promise.resolve(handler({}, ctx)), DeferError); // 4th: failure, 2/4 = 0.5
    assert.equal(breaker.state('payments'), 'open');
  });

  test('fatal errors are not downstream failures; circuits are per name', async () => {
    const clock = new TestClock();
    const breaker = circuitBreaker({ clock, failures: 1, name: (p) => (p as { to: string }).to });
    const handler = breaker.middleware((p) => {
      if ((p as { to: string }).to === 'a') throw new RetriableError('a down');
      throw new (class extends RetriableError {})('b');
    });
    await assert.rejects(Promise.resolve(handler({ to: 'a' }, ctx)), DeferError);
    assert.deepEqual(breaker.states(), { a: 'open' });
    const fatal = circuitBreaker({ clock, failures: 1 }).middleware(() => {
      throw new FatalError('bad input');
    });
    await assert.rejects(Promise.resolve(fatal({}, ctx)), /bad input/);
  });

  test('thresholds out of range are FlowOptionErrors naming the option', () => {
    const cases: [object, string][] = [
      [{ failures: 0 }, 'circuitBreaker.failures'],
      [{ failureRate: 0 }, 'circuitBreaker.failureRate'],
      [{ failureRate: 1.5 }, 'circuitBreaker.failureRate'],
      [{ cooldownMs: -1 }, 'circuitBreaker.cooldownMs'],
      [{ probes: Number.NaN }, 'circuitBreaker.probes'],
      [{ minRequests: 0 }, 'circuitBreaker.minRequests'],
      [{ windowMs: 0 }, 'circuitBreaker.windowMs'],
    ];
    for (const [options, option] of cases)
      assert.throws(
        () => circuitBreaker(options as never),
        (e: unknown) => e instanceof FlowOptionError && e.option === option,
        JSON.stringify(options),
      );
  });
});
