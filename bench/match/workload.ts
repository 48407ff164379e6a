// Deterministic workload for bench/match.ts: ~1 KiB MEGA events and SNS-style subscriptions
// (JSON patterns, scope MessageBody) whose operators come in fixed shares, tuned so that about 1 % of
// the subscriptions match a given event.

/** mulberry32: a small seeded PRNG, so every run sees the same events and subscriptions. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAINS = ['user', 'order', 'payment', 'shipping', 'catalog'];
const ENTITIES = ['item', 'account', 'invoice', 'cart'];
const VERBS = ['created', 'updated', 'deleted', 'approved', 'rejected'];
const REGIONS = Array.from({ length: 20 }, (_, i) => `region-${i}`);
const NAMES = DOMAINS.flatMap((d) => ENTITIES.flatMap((e) => VERBS.map((v) => `${d}.${e}.${v}`)));

/** Share of subscriptions per operator (each subscription is built around one operator). */
export const SHARES = { exact: 0.4, prefix: 0.2, numeric: 0.2, 'anything-but': 0.1, exists: 0.1 } as const;

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const two = (n: number): string => String(n).padStart(2, '0');

/** A typical MEGA event of about 1 KiB once serialised. */
export function makeEvent(r: () => number, i: number): Record<string, unknown> {
  const name = pick(r, NAMES);
  const domain = name.split('.')[0] as string;
  const attributes: Record<string, unknown> = {
    amount: Math.round(r() * 1_000_000) / 100,
    region: pick(r, REGIONS),
    channel: pick(r, ['web', 'ios', 'android', 'pos']),
    tags: ['priority', pick(r, ['gold', 'silver', 'bronze'])],
  };
  if (r() < 0.9) attributes.coupon = `C${Math.floor(r() * 1e6)}`;
  return {
    protocol: 'mega',
    version: 1,
    event: {
      name,
      timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      version: 1,
      domain,
      subject: String(100000 + i),
      publisher: `${domain}-service`,
      attributes,
    },
    object: {
      id: `obj-${two(Math.floor(r() * 100))}-${Math.floor(r() * 1e9).toString(36)}`,
      type: domain,
      version: 3,
      current: {
        full_name: 'John Doe',
        username: 'john.doe',
        email: 'johndoe_86@example.com',
        address: { street: '1 Main St', city: 'Springfield', zip: '12345', country: 'US' },
        created_at: '2020-05-03T12:20:23.000',
        updated_at: '2020-05-04T15:52:01.000',
        notes: 'x'.repeat(200),
      },
      previous: { username: 'john.d', email: 'jd@example.com', updated_at: '2020-05-03T12:20:23.000' },
    },
    extra: { trace_id: Math.floor(r() * 1e12).toString(16), source: 'bench' },
  };
}

/** A subscription, as a nested JSON pattern (scope MessageBody), built around operator `op`. */
export function makeSubscription(r: () => number, op: keyof typeof SHARES): Record<string, unknown> {
  switch (op) {
    case 'exact':
      return { event: { name: [pick(r, NAMES)] } };
    case 'prefix':
      return { object: { id: [{ prefix: `obj-${two(Math.floor(r() * 100))}-` }] } };
    case 'numeric': {
      const low = Math.floor(r() * 9900);
      return { event: { attributes: { amount: [{ numeric: ['>=', low, '<', low + 100] }] } } };
    }
    case 'anything-but':
      return {
        event: { name: [pick(r, NAMES)], attributes: { region: [{ 'anything-but': [pick(r, REGIONS)] }] } },
      };
    case 'exists':
      return { event: { name: [pick(r, NAMES)], attributes: { coupon: [{ exists: true }] } } };
  }
}

/** `count` subscriptions with operators in {@link SHARES}, from a fixed seed. */
export function makeSubscriptions(count: number, seed = 42): Record<string, unknown>[] {
  const r = rng(seed);
  const ops = Object.entries(SHARES) as [keyof typeof SHARES, number][];
  return Array.from({ length: count }, () => {
    let x = r();
    for (const [op, share] of ops) {
      if (x < share) return makeSubscription(r, op);
      x -= share;
    }
    return makeSubscription(r, 'exact');
  });
}

/** Nested pattern → flat dotted keys (what fauxqs's attribute matcher reads). */
export function flatten(pattern: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) out[path] = value;
    else Object.assign(out, flatten(value as Record<string, unknown>, path));
  }
  return out;
}

/** The same subscription as a Mongo-style query for sift. */
export function toMongo(pattern: Record<string, unknown>): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [path, conditions] of Object.entries(flatten(pattern))) {
    const c = (conditions as unknown[])[0];
    if (typeof c !== 'object' || c === null) query[path] = c;
    else if ('prefix' in c)
      query[path] = { $regex: new RegExp(`^${String(c.prefix).replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}`) };
    else if ('numeric' in c) {
      const [, low, , high] = c.numeric as [string, number, string, number];
      query[path] = { $gte: low, $lt: high };
    } else if ('anything-but' in c) query[path] = { $nin: c['anything-but'] };
    else if ('exists' in c) query[path] = { $exists: c.exists };
  }
  return query;
}
