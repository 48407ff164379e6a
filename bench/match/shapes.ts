// Matcher shapes for bench/match.ts: the subscription shapes users write most, each at 10..10,000
// patterns with at most a few matches per event, so that any cost linear in the number of patterns
// shows as a falling rate. Each shape builds N patterns and 512 events from a fixed seed.

import type { CompiledPattern } from 'sqs-mega/core';
import * as sqsMega from 'sqs-mega/core';
import { rng } from './workload.js';

/**
 * What a shape builds its patterns with: this checkout's `sqs-mega`, or (bench/match/ab.ts) another
 * revision's `src/core.ts`.
 */
export interface MatchApi {
  compileJsonPattern: typeof sqsMega.compileJsonPattern;
  compilePattern: typeof sqsMega.compilePattern;
  and: typeof sqsMega.and;
  gte: typeof sqsMega.gte;
  lt: typeof sqsMega.lt;
  oneOf: typeof sqsMega.oneOf;
}

/** One shape: its patterns (compiled, plus the JSON form for the peers when there is one) and events. */
export interface Shape {
  readonly name: string;
  /** JSON pattern (scope MessageBody) `i` of `n`, or `undefined` for DSL shapes (no peer reads them). */
  json?(i: number, n: number): Record<string, unknown>;
  dsl?(i: number, n: number, api: MatchApi): CompiledPattern;
  event(r: () => number, n: number): Record<string, unknown>;
}

const NAMES = ['order.placed', 'order.paid', 'order.shipped', 'order.cancelled', 'order.refunded'];
const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const below = (r: () => number, n: number) => Math.floor(r() * n);

/** The padding every event carries, so that events are ~1 KiB as in the mixed workload. */
function envelope(name: string, attributes: Record<string, unknown>): Record<string, unknown> {
  return {
    protocol: 'mega',
    version: 1,
    event: { name, timestamp: '2024-01-01T00:00:00.000Z', version: 1, domain: 'order', attributes },
    object: { id: 'obj-1', type: 'order', current: { notes: 'x'.repeat(700), city: 'Springfield' } },
  };
}

export const SHAPES: readonly Shape[] = [
  {
    name: 'name + tenant (name first)',
    json: (i) => ({ event: { name: [NAMES[i % 5]], attributes: { tenant: [`t${i}`] } } }),
    event: (r, n) => envelope(pick(r, NAMES), { tenant: `t${below(r, n)}` }),
  },
  {
    name: 'tenant + name (tenant first)',
    json: (i) => ({ event: { attributes: { tenant: [`t${i}`] }, name: [NAMES[i % 5]] } }),
    event: (r, n) => envelope(pick(r, NAMES), { tenant: `t${below(r, n)}` }),
  },
  {
    name: 'name + numeric range',
    json: (i) => ({
      event: {
        name: [NAMES[i % 5]],
        attributes: { amount: [{ numeric: ['>=', i * 10, '<', i * 10 + 10] }] },
      },
    }),
    event: (r, n) => envelope(pick(r, NAMES), { amount: Math.round(r() * n * 1000) / 100 }),
  },
  {
    name: 'name + prefix',
    json: (i) => ({ event: { name: [NAMES[i % 5]], attributes: { sku: [{ prefix: `sku-${i}-` }] } } }),
    event: (r, n) => envelope(pick(r, NAMES), { sku: `sku-${below(r, n)}-${below(r, 1000)}` }),
  },
  {
    name: 'account + anything-but',
    json: (i) => ({
      event: { attributes: { status: [{ 'anything-but': ['failed', 'void'] }], account: [`a${i}`] } },
    }),
    event: (r, n) =>
      envelope(pick(r, NAMES), { account: `a${below(r, n)}`, status: pick(r, ['ok', 'failed']) }),
  },
  {
    name: 'DSL nested mapping',
    dsl: (i, _, { compilePattern, oneOf, gte }) =>
      compilePattern({
        event: {
          name: oneOf(NAMES[i % 5] as string, 'order.any'),
          attributes: { customer: { tier: oneOf('gold', 'silver'), id: `c${i}` }, amount: gte(0) },
        },
      }),
    event: (r, n) =>
      envelope(pick(r, NAMES), {
        customer: { tier: pick(r, ['gold', 'silver', 'bronze']), id: `c${below(r, n)}` },
        amount: below(r, 500),
      }),
  },
  {
    name: 'DSL name + numeric range',
    dsl: (i, _, { compilePattern, and, gte, lt }) =>
      compilePattern({
        event: { name: NAMES[i % 5] as string, attributes: { amount: and(gte(i * 10), lt(i * 10 + 10)) } },
      }),
    event: (r, n) => envelope(pick(r, NAMES), { amount: Math.round(r() * n * 1000) / 100 }),
  },
];

/** Patterns and events of `shape` at `n` patterns, compiled with `api` (default: this checkout's). */
export function build(shape: Shape, n: number, api: MatchApi = sqsMega) {
  const r = rng(n + 17);
  const json = shape.json
    ? Array.from({ length: n }, (_, i) => (shape.json as NonNullable<Shape['json']>)(i, n))
    : undefined;
  const compiled = json
    ? json.map((p) => api.compileJsonPattern(p, { scope: 'MessageBody' }))
    : Array.from({ length: n }, (_, i) => (shape.dsl as NonNullable<Shape['dsl']>)(i, n, api));
  const events = Array.from({ length: 512 }, () => shape.event(r, n));
  return { json, compiled, events };
}
