// Interleaved A/B of the pattern engine: this working tree's MatcherSet against another revision's,
// in one process, on the same patterns and events, in alternating runs, so that a change's effect can
// be told from the load of a shared machine. Rates are events per CPU second of this process
// (process.cpuUsage: time spent waiting for a core does not count), medians over the rounds; the
// ratio column is the median of the per-round ratios. Rounds last `--ms` of wall time.
// Run: npm run bench:match-ab -- [--base=main] [--sizes=10,1000]
//        [--shapes=prefix,anything] [--rounds=7] [--ms=100] [--floor] [--ref]
//   --base    revision to compare against (default HEAD: the uncommitted change); its
//             packages/sqs-mega/src is extracted into a temporary directory (git archive) and loaded from there
//   --shapes  substrings of shape names (bench/match/shapes.ts), or `mixed` for the mixed workload
//             (bench/match/workload.ts: ~1 % of the patterns match each event); default: all shapes and mixed
//   --floor   also time building each event's result array alone (the `set/floor` of bench:match)
//   --ref     also time the mixed workload at 10 patterns on this tree in every round (`ref`), and print
//             each rate as a multiple of it: an idle machine runs that reference at ~7M events/s
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Core from 'sqs-mega/core';
import { build, type MatchApi, SHAPES } from './shapes.js';
import { makeEvent, makeSubscriptions, rng } from './workload.js';

type Api = MatchApi & { MatcherSet: typeof Core.MatcherSet };

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD' },
    sizes: { type: 'string', default: '10,1000' },
    shapes: { type: 'string', default: '' },
    rounds: { type: 'string', default: '7' },
    ms: { type: 'string', default: '100' },
    floor: { type: 'boolean', default: false },
    ref: { type: 'boolean', default: false },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const ROUNDS = Number(values.rounds);
const RUN_US = Number(values.ms) * 1000;
const wanted = values.shapes ? values.shapes.split(',') : [];
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `revision`'s packages/sqs-mega/src in a temporary directory whose node_modules is this checkout's,
 * with the package.json and tsconfig files that make tsx load it as this tree is loaded (ESM, ES2022).
 */
function extract(revision: string): { dir: string; commit: string } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--verify', `${revision}^{commit}`);
  const dir = mkdtempSync(join(tmpdir(), 'mega-match-ab-'));
  execFileSync(
    'sh',
    [
      '-c',
      `git archive ${commit} package.json tsconfig.base.json packages/sqs-mega/package.json packages/sqs-mega/tsconfig.json packages/sqs-mega/src | tar -x -C "${dir}"`,
    ],
    { cwd: ROOT },
  );
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { dir, commit };
}

const base = extract(values.base);
process.on('exit', () => rmSync(base.dir, { recursive: true, force: true }));
const sides: Record<'base' | 'change', Api> = {
  base: (await import(pathToFileURL(join(base.dir, 'packages/sqs-mega/src/core.ts')).href)) as Api,
  change: (await import(pathToFileURL(join(ROOT, 'packages/sqs-mega/src/core.ts')).href)) as Api,
};

interface Case {
  readonly name: string;
  patterns(api: Api, n: number): Core.CompiledPattern[];
  events(n: number): unknown[];
}

const MIXED_EVENTS = (() => {
  const r = rng(7);
  return Array.from({ length: 512 }, (_, i) => makeEvent(r, i));
})();
const mixed: Case = {
  name: 'mixed',
  patterns: (api, n) => makeSubscriptions(n).map((s) => api.compileJsonPattern(s, { scope: 'MessageBody' })),
  events: () => MIXED_EVENTS,
};
const cases: Case[] = [
  ...SHAPES.map(
    (shape): Case => ({
      name: shape.name,
      patterns: (api, n) => build(shape, n, api).compiled,
      events: (n) => build(shape, n).events,
    }),
  ),
  mixed,
].filter((c) => wanted.length === 0 || wanted.some((w) => c.name.includes(w)));

function setOf(api: Api, patterns: readonly Core.CompiledPattern[]): Core.MatcherSet<number> {
  const set = new api.MatcherSet<number>();
  for (const [i, p] of patterns.entries()) set.add(i, p);
  return set;
}

/**
 * Runs `fn` over the events for RUN_US of wall time; events per CPU second (the CPU clock is read at
 * both ends only: reading it costs microseconds, the wall clock tens of nanoseconds).
 */
function runOnce(fn: (i: number) => number): number {
  let n = 0;
  let sink = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const end = start + BigInt(RUN_US * 1000);
  while (process.hrtime.bigint() < end) {
    for (let k = 0; k < 64; k++) sink += fn(n + k);
    n += 64;
  }
  const used = process.cpuUsage(cpu);
  if (sink < 0) console.log(sink);
  return n / ((used.user + used.system) / 1e6);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K` : n.toFixed(0);

let ref: ((i: number) => number) | undefined;
if (values.ref) {
  const set = setOf(sides.change, mixed.patterns(sides.change, 10));
  ref = (i) => set.match(MIXED_EVENTS[i & 511]).length;
  runOnce(ref);
}

console.log(
  `match A/B: base ${values.base} (${base.commit.slice(0, 10)}) vs this tree; ${ROUNDS} rounds of ${RUN_US / 1000} ms per side, alternating; events per CPU second (medians)`,
);
const cols = ['shape', 'patterns', 'hits', 'base', 'change', 'change/base', 'wins'];
if (values.floor) cols.push('floor', 'set/floor');
if (ref) cols.push('ref', 'change/ref');
console.log(
  `${(cols[0] as string).padEnd(30)}${cols
    .slice(1)
    .map((c) => c.padStart(12))
    .join('')}`,
);
for (const c of cases) {
  for (const size of SIZES) {
    const events = c.events(size);
    const count = events.length;
    const patternsA = c.patterns(sides.base, size);
    const patternsB = c.patterns(sides.change, size);
    const a = setOf(sides.base, patternsA);
    const b = setOf(sides.change, patternsB);
    let hits = 0;
    // Each side's patterns in turn, on its own code: both sides' shared functions see the same calls
    // (checking one side only skewed the A/B by ~10 % against it).
    const each = (patterns: Core.CompiledPattern[], e: unknown) =>
      patterns.flatMap((p, k) => (p.matches(e) ? [k] : [])).join();
    const results = events.map((e, i) => {
      const x = a.match(e).sort((p, q) => p - q);
      const y = b.match(e).sort((p, q) => p - q);
      const [ea, eb] = [each(patternsA, e), each(patternsB, e)];
      if (x.join() !== y.join() || x.join() !== ea || y.join() !== eb)
        throw new Error(`${c.name} at ${size}: event ${i}: base [${x}] change [${y}] each [${ea}] [${eb}]`);
      hits += y.length;
      return y.length;
    });
    const fa = (i: number) => a.match(events[i % count]).length;
    const fb = (i: number) => b.match(events[i % count]).length;
    const pool = Array.from({ length: size }, (_, k) => k);
    const scratch = pool.slice();
    const floor = (i: number) => {
      const h = results[i % count] as number;
      for (let k = 0; k < h; k++) scratch[k] = pool[k] as number;
      return scratch.slice(0, h).length;
    };
    runOnce(fa);
    runOnce(fb);
    const rates = {
      base: [] as number[],
      change: [] as number[],
      floor: [] as number[],
      ref: [] as number[],
    };
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let ra: number;
      let rb: number;
      if (round % 2 === 0) {
        ra = runOnce(fa);
        rb = runOnce(fb);
      } else {
        rb = runOnce(fb);
        ra = runOnce(fa);
      }
      rates.base.push(ra);
      rates.change.push(rb);
      ratios.push(rb / ra);
      if (values.floor) rates.floor.push(runOnce(floor));
      if (ref) rates.ref.push(runOnce(ref));
    }
    const change = median(rates.change);
    const row = [
      String(size),
      (hits / count).toFixed(2),
      fmt(median(rates.base)),
      fmt(change),
      `${median(ratios).toFixed(2)}x`,
      `${ratios.filter((r) => r > 1).length}/${ROUNDS}`,
    ];
    if (values.floor) row.push(fmt(median(rates.floor)), `${(median(rates.floor) / change).toFixed(2)}x`);
    if (ref) row.push(fmt(median(rates.ref)), `${(change / median(rates.ref)).toFixed(2)}`);
    console.log(`${c.name.padEnd(30)}${row.map((x) => x.padStart(12)).join('')}`);
  }
}
