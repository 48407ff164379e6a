// Flow control benchmark (prints figures; not a timed test).
// (a) noisy tenant: QUIET tenants at 10 msg/s each, one noisy tenant at 20× that, rateLimit 20/s per
//     tenant: the quiet tenants' publish→handler p50/p99 with and without the noisy one, and the ratio
//     (target ≤ 2×). (b) dead downstream behind circuitBreaker: calls reaching it while open, probes
//     per cool-down interval (target ≤ 1), messages dead-lettered (target 0).
// Run: npm run bench:flow   (node --conditions=source --import tsx bench/flow.ts)
// Env: SECONDS (per noisy-tenant run, default 8), ROUNDS (of the three noisy-tenant variants, default 2), QUIET (quiet tenants, default 4), MESSAGES (dead
// downstream, default 100), DOWN_SECONDS (default 6), COOLDOWN_MS (default 1000).
import { loadavg } from 'node:os';
import { spawnBroker } from './consume/spawn-broker.js';
import { deadDownstream } from './flow/breaker.js';
import { noisyRun, quantile } from './flow/noisy.js';

const SECONDS = Number(process.env.SECONDS ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const QUIET = Number(process.env.QUIET ?? 4);
const MESSAGES = Number(process.env.MESSAGES ?? 100);
const DOWN_SECONDS = Number(process.env.DOWN_SECONDS ?? 6);
const COOLDOWN_MS = Number(process.env.COOLDOWN_MS ?? 1000);

const { config, kill } = await spawnBroker();
const load = () => loadavg()[0]?.toFixed(2) ?? '?';
try {
  console.log(`load average at start: ${load()} (2 cores)`);
  const run = { quietTenants: QUIET, seconds: SECONDS, rate: 20 };
  // a warm-up run (discarded: JIT, connections), then ROUNDS rounds of the three variants in turn,
  // each variant's latencies pooled over the rounds (load on a shared machine drifts within minutes)
  await noisyRun(config, 'flow-warmup', { ...run, seconds: 2, noisy: true });
  const pooled = () => ({
    quiet: [] as number[],
    noisyHandled: 0,
    noisySent: 0,
    deferred: 0,
    deadLettered: 0,
  });
  const alone = pooled();
  const noisy = pooled();
  const unlimited = pooled();
  const add = (into: ReturnType<typeof pooled>, f: Awaited<ReturnType<typeof noisyRun>>) => {
    into.quiet.push(...f.quiet);
    into.noisyHandled += f.noisyHandled;
    into.noisySent += f.noisySent;
    into.deferred += f.deferred;
    into.deadLettered += f.deadLettered;
  };
  for (let r = 0; r < ROUNDS; r++) {
    add(alone, await noisyRun(config, `flow-alone-${r}`, { ...run, noisy: false }));
    add(noisy, await noisyRun(config, `flow-noisy-${r}`, { ...run, noisy: true }));
    // the control: the same noisy tenant with no rate limit (every message handled at once)
    add(unlimited, await noisyRun(config, `flow-unlimited-${r}`, { ...run, noisy: true, limit: false }));
  }
  for (const f of [alone, noisy, unlimited]) f.quiet.sort((a, b) => a - b);
  const p = (xs: number[], q: number) => quantile(xs, q).toFixed(0);
  console.log(
    `\n(a) noisy tenant: ${QUIET} quiet tenants at 10 msg/s each, rateLimit 20/s per tenant, ${ROUNDS} rounds of ${SECONDS} s`,
  );
  console.log(
    'run                        quiet msgs  p50 ms  p99 ms  noisy sent/handled  deferred  dead-lettered',
  );
  for (const [label, f] of [
    ['quiet tenants alone', alone],
    ['with a noisy tenant (20×)', noisy],
    ['noisy tenant, no rateLimit', unlimited],
  ] as const)
    console.log(
      `${label.padEnd(27)}${String(f.quiet.length).padStart(10)}${p(f.quiet, 0.5).padStart(8)}${p(f.quiet, 0.99).padStart(8)}${`${f.noisySent}/${f.noisyHandled}`.padStart(20)}${String(f.deferred).padStart(10)}${String(f.deadLettered).padStart(15)}`,
    );
  const ratio = (q: number) => (quantile(noisy.quiet, q) / Math.max(1, quantile(alone.quiet, q))).toFixed(2);
  console.log(`ratio with/without noisy tenant: p50 ${ratio(0.5)}x, p99 ${ratio(0.99)}x (target ≤ 2x)`);
  const control = (q: number) =>
    (quantile(unlimited.quiet, q) / Math.max(1, quantile(alone.quiet, q))).toFixed(2);
  console.log(`ratio without rateLimit (control): p50 ${control(0.5)}x, p99 ${control(0.99)}x`);

  const b = await deadDownstream(config, 'flow-breaker', {
    messages: MESSAGES,
    downSeconds: DOWN_SECONDS,
    cooldownMs: COOLDOWN_MS,
  });
  console.log(
    `\n(b) dead downstream for ${DOWN_SECONDS} s, circuitBreaker failures 5, cool-down ${COOLDOWN_MS} ms, ${MESSAGES} messages`,
  );
  console.log(`handled ${b.handled}/${b.messages} in ${b.seconds.toFixed(1)} s`);
  console.log(`failed calls before the circuit opened: ${b.callsFailedWhileClosed}`);
  console.log(`calls while open: ${b.callsWhileOpen}; openings: ${b.openings}`);
  console.log(
    `calls per half-open period (probes per cool-down): [${b.probesPerCooldown.join(', ')}], max ${Math.max(0, ...b.probesPerCooldown)} (target ≤ 1)`,
  );
  console.log(`dead-lettered: ${b.deadLettered} (listener), ${b.dlqMessages} in the DLQ (target 0)`);
  console.log(`\nload average at end: ${load()}`);
} finally {
  kill();
}
