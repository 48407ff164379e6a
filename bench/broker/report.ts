// The printed report: figures per workload and server, ratios, and the targets met or not.
import type { CellResult } from './measure.js';
import { SERVER_NAMES, type ServerName } from './servers.js';
import { type ServerResult, WORKLOADS, type WorkloadName } from './workloads.js';

export type Results = Partial<Record<ServerName, ServerResult>>;

export interface Target {
  label: string;
  value: number | undefined;
  /** The value must be at least this (or, with `atMost`, at most). */
  bound: number;
  atMost?: boolean;
  unit: '%' | 'x' | 'MB';
  met: boolean | undefined;
}

const LABEL_WIDTH = 43;
const COL = 13;
const row = (label: string, cells: string[]) =>
  label.padEnd(LABEL_WIDTH) + cells.map((c) => c.padStart(COL)).join('');

const cell = (r: Results, server: ServerName, w: WorkloadName): CellResult | undefined => r[server]?.cells[w];

/** A cell's figure, or why there is none. */
function figure(c: CellResult | undefined, pick: (c: CellResult) => number, digits: number): string {
  if (!c) return '-';
  if (c.errors > 0) return `ERR(${c.errors})`;
  return pick(c).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** `a ÷ b` of a workload's messages/s between two servers; undefined if either is missing or had errors. */
export function ratio(r: Results, w: WorkloadName, a: ServerName, b: ServerName): number | undefined {
  const x = cell(r, a, w);
  const y = cell(r, b, w);
  if (!x || !y || x.errors > 0 || y.errors > 0) return undefined;
  return x.messagesPerSecond / y.messagesPerSecond;
}

function backlogRatio(r: Results, server: ServerName): number | undefined {
  const big = cell(r, server, 'cycle-1m');
  const small = cell(r, server, 'cycle-1k');
  if (!big || !small || big.errors > 0 || small.errors > 0) return undefined;
  return big.messagesPerSecond / small.messagesPerSecond;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 2 ** 20);
const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(0)}%`);
const times = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(2)}x`);

function target(
  label: string,
  value: number | undefined,
  bound: number,
  unit: Target['unit'],
  atMost = false,
) {
  const met = value === undefined ? undefined : atMost ? value <= bound : value >= bound;
  return { label, value, bound, unit, atMost, met };
}

/** The broker column to hold against fauxqs 2: the one on Node 22 (fauxqs 2's Node) when measured. */
function sameNode(r: Results, engine: 'in-memory' | 'durable' | 'logged'): ServerName {
  const on22: ServerName = `${engine}-22`;
  return r[on22] ? on22 : engine;
}

/** Issue 19's targets, against fauxqs 2.x (the newest peer) in the same run, on the same Node version when measured. */
export function targets(r: Results): Target[] {
  const pairs: Array<[WorkloadName, string, number, number]> = [
    ['batch-send', 'batched send', 1.4, 1.15],
    ['ingest', 'sustained ingest', 1.4, 1.15],
    ['cycle-1k', 'cycle (1k)', 1.3, 1.0],
    ['send', 'unbatched send', 1.3, 1.0],
    ['cycle-fifo', 'FIFO cycle', 1.3, 1.0],
    ['fanout', 'SNS fan-out', 1.3, 1.0],
  ];
  const memory = sameNode(r, 'in-memory');
  const durable = sameNode(r, 'durable');
  // the durable targets, for the logged engine too (durable: MEGA_STORE_ENGINE=logged)
  const logged = sameNode(r, 'logged');
  const rss = (s: ServerName) => mb(r[s]?.rssBacklogBytes);
  return [
    ...pairs.flatMap(([w, label, memoryBound, durableBound]) => [
      target(`${memory} ${label} / fauxqs 2`, ratio(r, w, memory, 'fauxqs2'), memoryBound, 'x'),
      target(`${durable} ${label} / fauxqs 2`, ratio(r, w, durable, 'fauxqs2'), durableBound, 'x'),
      target(`${logged} ${label} / fauxqs 2`, ratio(r, w, logged, 'fauxqs2'), durableBound, 'x'),
    ]),
    target(`${memory} batched send / ceiling`, ratio(r, 'batch-send', memory, 'ceiling'), 0.6, '%'),
    target(`${memory} sustained ingest / ceiling`, ratio(r, 'ingest', memory, 'ceiling'), 0.6, '%'),
    target(`${memory} cycle 1M / 1k backlog`, backlogRatio(r, memory), 0.9, '%'),
    target(`${durable} cycle 1M / 1k backlog`, backlogRatio(r, durable), 0.9, '%'),
    target(`${logged} cycle 1M / 1k backlog`, backlogRatio(r, logged), 0.9, '%'),
    // below fauxqs 2's own RSS with the same backlog (not measured when fauxqs 2 was not)
    target(
      `${memory} RSS with 1M backlog, < fauxqs 2's`,
      rss('fauxqs2') === undefined ? undefined : rss(memory),
      rss('fauxqs2') ?? 0,
      'MB',
      true,
    ),
    target(`${durable} RSS with 1M backlog`, rss(durable), 150, 'MB', true),
    target(`${logged} RSS with 1M backlog`, rss(logged), 150, 'MB', true),
  ];
}

function formatValue(t: Target, v: number): string {
  return t.unit === '%' ? pct(v) : t.unit === 'x' ? times(v) : `${v.toFixed(0)} MB`;
}

export function printReport(r: Results, print: (line: string) => void): void {
  const servers = SERVER_NAMES.filter((s) => r[s]);
  const table = (title: string, pick: (c: CellResult) => number, digits: number) => {
    print(row(title, servers));
    for (const w of WORKLOADS)
      print(
        row(
          w.label,
          servers.map((s) => figure(cell(r, s, w.name), pick, digits)),
        ),
      );
    print('');
  };
  table('messages/s (median)', (c) => c.messagesPerSecond, 0);
  table('server CPU µs per message', (c) => c.cpuMicrosPerMessage, 1);
  const memory = (pick: (s: ServerResult) => number | undefined) =>
    servers.map((s) => {
      const v = mb(pick(r[s] as ServerResult));
      return v === undefined ? '-' : `${v.toFixed(0)} MB`;
    });
  const rss: Array<[string, (s: ServerResult) => number | undefined]> = [
    ['RSS at start (idle)', (s) => s.rssStartBytes],
    ['RSS after the 1k workloads', (s) => s.rssBytes],
    ['RSS with the 1M backlog', (s) => s.rssBacklogBytes],
  ];
  for (const [label, pick] of rss) print(row(label, memory(pick)));
  print('');
  print(
    row('ratios (messages/s)', [
      'dur/ceil',
      'mem/ceil',
      'dur/faux',
      'mem/faux',
      'dur/faux2',
      'mem/faux2',
      'dur22/faux2',
      'mem22/faux2',
      'log/faux2',
      'log22/faux2',
    ]),
  );
  for (const w of WORKLOADS) {
    print(
      row(w.label, [
        pct(ratio(r, w.name, 'durable', 'ceiling')),
        pct(ratio(r, w.name, 'in-memory', 'ceiling')),
        times(ratio(r, w.name, 'durable', 'fauxqs')),
        times(ratio(r, w.name, 'in-memory', 'fauxqs')),
        times(ratio(r, w.name, 'durable', 'fauxqs2')),
        times(ratio(r, w.name, 'in-memory', 'fauxqs2')),
        times(ratio(r, w.name, 'durable-22', 'fauxqs2')),
        times(ratio(r, w.name, 'in-memory-22', 'fauxqs2')),
        times(ratio(r, w.name, 'logged', 'fauxqs2')),
        times(ratio(r, w.name, 'logged-22', 'fauxqs2')),
      ]),
    );
  }
  print('');
  print(row('backlog ratio (messages/s)', servers));
  print(
    row(
      'cycle with 1M / with 1k backlog',
      servers.map((s) => pct(backlogRatio(r, s))),
    ),
  );
  print('');
  print('targets');
  for (const t of targets(r)) {
    const value = t.value === undefined ? '-' : formatValue(t, t.value);
    const verdict = t.met === undefined ? 'not measured' : t.met ? 'met' : 'NOT MET';
    print(
      `  ${t.label.padEnd(LABEL_WIDTH + 8)}${value.padStart(9)}   ${t.atMost ? '<=' : '>='} ${formatValue(t, t.bound).padEnd(8)} ${verdict}`,
    );
  }
}
