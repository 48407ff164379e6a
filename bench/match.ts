// Matcher benchmark: events/s for ~1 KiB MEGA events against 10..10,000 subscriptions: first by
// shape (the subscription shapes users write most, a few matches per event), then the mixed
// workload (~1 % of the subscriptions match each event: 99 matches at 10,000, output-sensitive).
// Run: npm run bench:match   (node --conditions=source --import tsx bench/match.ts)
// Env: SIZES (default 10,100,1000,10000), SHAPES=0 / MIXED=0 to skip a part.
import * as siftModule from 'sift';
import { compileJsonPattern, MatcherSet } from 'sqs-mega';
import { build, SHAPES } from './match/shapes.js';
import { flatten, makeEvent, makeSubscriptions, rng, SHARES, toMongo } from './match/workload.js';

type Attrs = Record<string, { DataType: string; StringValue?: string }>;
interface FauxqsFilter {
  matchesFilterPolicy(policy: Record<string, unknown>, attributes: Attrs): boolean;
  parseBodyAsAttributes(body: string): Attrs | undefined;
}
// fauxqs ships its SNS filter inside its package but does not export it: import the file itself.
const fauxqs = (await import(
  new URL('../node_modules/fauxqs/dist/sns/filter.js', import.meta.url).href
)) as FauxqsFilter;

// sift is CommonJS with a default export; under NodeNext its call signature sits on `.default`.
const sift = (siftModule as unknown as { default: (query: object) => (item: unknown) => boolean }).default;

const SIZES = (process.env.SIZES ?? '10,100,1000,10000').split(',').map(Number);
const RUNS = 5;
const RUN_MS = 120;
const EVENT_COUNT = 512;

const r = rng(7);
const events = Array.from({ length: EVENT_COUNT }, (_, i) => makeEvent(r, i));
const bodies = events.map((e) => JSON.stringify(e));
const flatEvents = bodies.map((b) => fauxqs.parseBodyAsAttributes(b) as Attrs);
const avgBytes = Math.round(bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / bodies.length);

/**
 * Runs `fn(i)` over the events for RUN_MS, RUNS times after one discarded warm-up run (so that the
 * first row is not measured while the JIT is still compiling); the median events/s.
 */
function measure(fn: (i: number) => number): number {
  const rates: number[] = [];
  let sink = 0;
  for (let run = -1; run < RUNS; run++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < RUN_MS * 1e6) {
      for (let k = 0; k < 64; k++) sink += fn((n + k) % EVENT_COUNT);
      n += 64;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    if (run >= 0) rates.push(n / (elapsed / 1e9));
  }
  if (sink < 0) console.log(sink);
  return rates.sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
}

/** One run of `fn` over the events for RUN_MS; events/s. */
function runOnce(fn: (i: number) => number): number {
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < RUN_MS * 1e6) {
    for (let k = 0; k < 64; k++) sink += fn((n + k) % EVENT_COUNT);
    n += 64;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  if (sink < 0) console.log(sink);
  return n / (elapsed / 1e9);
}

const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K` : n.toFixed(0);

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
if (process.env.SHAPES !== '0') {
  console.log(
    `shapes: 512 events of ~1 KiB per shape and size; set: medians of ${RUNS} runs of ${RUN_MS} ms, the sizes interleaved; events/s`,
  );
  console.log('(sift and fauxqs evaluate every subscription in turn; they read JSON patterns only)\n');
  const cols = ['shape', 'patterns', 'hits/event', 'set', 'vs 10', 'sift', 'fauxqs', 'set/fauxqs'];
  console.log(
    `${cols[0]?.padEnd(30)}${cols
      .slice(1)
      .map((h) => h.padStart(12))
      .join('')}`,
  );
  const summary: { shape: string; ratio: number; at1000: number }[] = [];
  for (const shape of SHAPES) {
    const rows = SIZES.map((size) => {
      const { json, compiled, events: shapeEvents } = build(shape, size);
      const set = new MatcherSet<number>();
      for (const [i, p] of compiled.entries()) set.add(i, p);
      const siftFns = json?.map((p) => sift(toMongo(p)));
      const flat = json?.map((p) => flatten(p));
      const flatShapeEvents = shapeEvents.map(
        (e) => fauxqs.parseBodyAsAttributes(JSON.stringify(e)) as Attrs,
      );
      let matched = 0;
      for (const [i, e] of shapeEvents.entries()) {
        const a = set.match(e).length;
        const b = compiled.filter((p) => p.matches(e)).length;
        const c = siftFns?.filter((f) => f(e)).length ?? b;
        const d = flat?.filter((p) => fauxqs.matchesFilterPolicy(p, flatShapeEvents[i] as Attrs)).length ?? b;
        if (a !== b || a !== c || a !== d)
          throw new Error(`${shape.name}: disagreement at ${size} patterns, event ${i}: ${a} ${b} ${c} ${d}`);
        matched += a;
      }
      const n = shapeEvents.length;
      const fn = (i: number) => set.match(shapeEvents[i % n]).length;
      runOnce(fn); // warm-up
      return { size, set, siftFns, flat, flatShapeEvents, shapeEvents, matched, fn, rates: [] as number[] };
    });
    // The sizes' runs interleaved, so that load drifting on a shared machine hits all sizes alike.
    for (let run = 0; run < RUNS; run++) for (const row of rows) row.rates.push(runOnce(row.fn));
    let at10 = 0;
    let at1000 = 0;
    let at10000 = 0;
    for (const { size, siftFns, flat, flatShapeEvents, shapeEvents, matched, rates } of rows) {
      const n = shapeEvents.length;
      const rate = rates.sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
      const siftRate = siftFns
        ? measure((i) => {
            let m = 0;
            const e = shapeEvents[i % n];
            for (const f of siftFns) if (f(e)) m++;
            return m;
          })
        : undefined;
      const fauxqsRate = flat
        ? measure((i) => {
            let m = 0;
            const attrs = flatShapeEvents[i % n] as Attrs;
            for (const p of flat) if (fauxqs.matchesFilterPolicy(p, attrs)) m++;
            return m;
          })
        : undefined;
      if (size === 10) at10 = rate;
      if (size === 1000) at1000 = rate;
      if (size === 10000) at10000 = rate;
      const row = [
        String(size),
        (matched / n).toFixed(2),
        fmt(rate),
        at10 > 0 ? pct(rate / at10) : '-',
        siftRate === undefined ? '-' : fmt(siftRate),
        fauxqsRate === undefined ? '-' : fmt(fauxqsRate),
        fauxqsRate === undefined ? '-' : `${(rate / fauxqsRate).toFixed(0)}x`,
      ];
      console.log(`${shape.name.padEnd(30)}${row.map((c) => c.padStart(12)).join('')}`);
    }
    summary.push({ shape: shape.name, ratio: at10 > 0 ? at10000 / at10 : 0, at1000 });
  }
  console.log('\nshape targets');
  if (SIZES.includes(10) && SIZES.includes(10000)) {
    for (const { shape, ratio } of summary)
      console.log(
        `  ${shape}: 10,000 patterns at ${pct(ratio)} of the 10-pattern rate -> ${ratio >= 0.5 ? 'met' : 'NOT met'} (>= 50%)`,
      );
  }
  if (SIZES.includes(1000)) {
    const worst = summary.reduce((a, b) => (b.at1000 < a.at1000 ? b : a));
    console.log(
      `  worst shape at 1,000 patterns: ${worst.shape}, ${fmt(worst.at1000)} events/s -> ${worst.at1000 >= 2e6 ? 'met' : 'NOT met'} (>= 2M)`,
    );
  }
  console.log('');
}
if (process.env.MIXED === '0') process.exit(0);

console.log('mixed workload');
console.log(`events: ${EVENT_COUNT} MEGA events, ${avgBytes} bytes of JSON on average`);
console.log(
  `subscription operators: ${Object.entries(SHARES)
    .map(([k, v]) => `${k} ${v * 100}%`)
    .join(', ')}`,
);
console.log(`medians of ${RUNS} runs of ${RUN_MS} ms after a warm-up run; events/s\n`);
const header = [
  'patterns',
  'hits/event',
  'match %',
  'set',
  'set+parse',
  'each',
  'sift',
  'fauxqs',
  'fauxqs+parse',
  'set/fauxqs',
  'result floor',
  'ns/match',
  'set/floor',
];
console.log(header.map((h) => h.padStart(13)).join(''));

let matchedAt10000 = 0;
const results = new Map<number, { set: number; setParse: number; fauxqs: number; floor: number }>();
for (const size of SIZES) {
  const subs = makeSubscriptions(size);
  const compiled = subs.map((s) => compileJsonPattern(s, { scope: 'MessageBody' }));
  const set = new MatcherSet<number>();
  for (const [i, p] of compiled.entries()) set.add(i, p);
  const siftFns = subs.map((s) => sift(toMongo(s)));
  const flatPolicies = subs.map((s) => flatten(s));

  // Cross-check: all four agree on every event.
  let matched = 0;
  for (let i = 0; i < EVENT_COUNT; i++) {
    const e = events[i];
    const a = set.match(e).length;
    const b = compiled.filter((p) => p.matches(e)).length;
    const c = siftFns.filter((f) => f(e)).length;
    const d = flatPolicies.filter((p) => fauxqs.matchesFilterPolicy(p, flatEvents[i] as Attrs)).length;
    if (a !== b || a !== c || a !== d)
      throw new Error(`disagreement at ${size} patterns, event ${i}: ${a} ${b} ${c} ${d}`);
    matched += a;
  }
  const matchPct = (100 * matched) / (EVENT_COUNT * size);
  if (size === 10000) matchedAt10000 = matched / EVENT_COUNT;

  const setRate = measure((i) => set.match(events[i]).length);
  const setParse = measure((i) => set.match(JSON.parse(bodies[i] as string)).length);
  const each = measure((i) => {
    let m = 0;
    const e = events[i];
    for (const p of compiled) if (p.matches(e)) m++;
    return m;
  });
  const siftRate = measure((i) => {
    let m = 0;
    const e = events[i];
    for (const f of siftFns) if (f(e)) m++;
    return m;
  });
  const fauxqsRate = measure((i) => {
    let m = 0;
    const attrs = flatEvents[i] as Attrs;
    for (const p of flatPolicies) if (fauxqs.matchesFilterPolicy(p, attrs)) m++;
    return m;
  });
  const fauxqsParse = measure((i) => {
    let m = 0;
    const attrs = fauxqs.parseBodyAsAttributes(bodies[i] as string) as Attrs;
    for (const p of flatPolicies) if (fauxqs.matchesFilterPolicy(p, attrs)) m++;
    return m;
  });
  // The least any matcher that returns its matches pays: a fresh array of this event's matching ids
  // (copied in one run from a pool, the best case), with nothing looked up or checked.
  const hits = events.map((e) => set.match(e).length);
  const pool = Array.from({ length: size }, (_, k) => k);
  const scratch = pool.slice();
  const floor = measure((i) => {
    const h = hits[i] as number;
    for (let k = 0; k < h; k++) scratch[k] = pool[k] as number;
    return scratch.slice(0, h).length;
  });
  results.set(size, { set: setRate, setParse, fauxqs: fauxqsRate, floor });
  const row = [
    String(size),
    (matched / EVENT_COUNT).toFixed(1),
    matchPct.toFixed(2),
    fmt(setRate),
    fmt(setParse),
    fmt(each),
    fmt(siftRate),
    fmt(fauxqsRate),
    fmt(fauxqsParse),
    `${(setRate / fauxqsRate).toFixed(0)}x`,
    fmt(floor),
    matched > 0 ? (1e9 / setRate / (matched / EVENT_COUNT)).toFixed(1) : '-',
    `${(floor / setRate).toFixed(2)}x`,
  ];
  console.log(row.map((c) => c.padStart(13)).join(''));
}

const at = (n: number) => results.get(n);
const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
const target = (sizes: number[], line: () => string) =>
  console.log(
    sizes.every((n) => results.has(n)) ? line() : `  (needs SIZES to include ${sizes.join(' and ')})`,
  );
console.log('\ntargets');
target([100], () => {
  const rate = at(100)?.set ?? 0;
  return `  >= 1,000,000 events/s at 100 patterns: ${fmt(rate)} -> ${check(rate >= 1e6)}`;
});
target([10, 10000], () => {
  const ratio = (at(10000)?.set ?? 0) / (at(10)?.set ?? 1);
  // time per event at 10,000 patterns spent just building the result, vs all of a 10-pattern match
  const floorShare = (at(10)?.set ?? 0) / (at(10000)?.floor ?? 1);
  return (
    // issue 3's target, which issue 20 replaced for this workload (its result grows with the set, so
    // no matcher keeps the ratio): printed for comparison with earlier runs, judged by the line below
    `  10,000 patterns vs 10 patterns (not a target for a result that grows with the set): ${(ratio * 100).toFixed(0)}%\n` +
    `    (building the ~${Math.round(matchedAt10000)} ids of a 10,000-pattern result alone takes ${(floorShare * 100).toFixed(0)}% ` +
    'of the time of a whole 10-pattern match)'
  );
});
target([10000], () => {
  const cost = (at(10000)?.floor ?? 0) / (at(10000)?.set ?? 1);
  return `  99-match workload (10,000 patterns) <= 2x the cost of building its result: ${cost.toFixed(2)}x -> ${check(cost <= 2)}`;
});
target([1000], () => {
  const vs = (at(1000)?.set ?? 0) / (at(1000)?.fauxqs ?? 1);
  return `  >= 10x fauxqs at 1,000 patterns: ${vs.toFixed(0)}x -> ${check(vs >= 10)}`;
});
console.log('\nset = our MatcherSet on parsed events; set+parse includes JSON.parse of the body (the figure');
console.log(
  "comparable to aws/event-ruler's ~220K events/s); each = every compiled pattern in turn; sift = one",
);
console.log('sift query per subscription; fauxqs = its matchesFilterPolicy on pre-flattened attributes per');
console.log('subscription (fauxqs+parse adds its parseBodyAsAttributes of the body); result floor = only');
console.log("building a fresh array of each event's matching ids, the least a matcher returning them pays;");
console.log("ns/match = time per event / matches per event; set/floor = time per event / the floor's.");
