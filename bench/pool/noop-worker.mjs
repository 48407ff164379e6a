// The worker module of bench/pool.ts: a no-op job, so the figures are the pool's own cost.
export default function noop() {}
