import type { ThroughputSample } from '../src/dashboard/api.js';
import { count } from './format.js';

const WIDTH = 600;
const HEIGHT = 140;
const PAD = { top: 10, right: 8, bottom: 20, left: 36 };
/** Seconds shown: the samples there are, from 30 s up to two minutes. */
const MIN_SPAN = 30;
const MAX_SPAN = 120;

/** The smallest of 1, 2, 5 × 10ⁿ at or above `n` (at least 5): the chart's top. */
function niceMax(n: number): number {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  return ([1, 2, 5, 10].find((m) => m * p >= n) ?? 10) * p;
}

/** Messages sent and deleted per second over the last two minutes: an SVG line chart. */
export function ThroughputChart({ samples, now }: { samples: ThroughputSample[]; now: number }) {
  const latest = samples[samples.length - 1];
  const end = latest?.t ?? now;
  const first = samples[0]?.t ?? end;
  const SPAN = Math.min(MAX_SPAN, Math.max(MIN_SPAN, Math.ceil((end - first) / 10_000) * 10));
  const top = niceMax(Math.max(0, ...samples.map((s) => Math.max(s.sent, s.deleted))));
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + w * (1 - Math.min(SPAN, Math.max(0, (end - t) / 1000)) / SPAN);
  const y = (v: number) => PAD.top + h * (1 - v / top);
  const line = (pick: (s: ThroughputSample) => number) =>
    samples
      .filter((s) => end - s.t <= SPAN * 1000)
      .map((s) => `${x(s.t).toFixed(1)},${y(pick(s)).toFixed(1)}`)
      .join(' ');
  const summary = latest
    ? `Throughput over the last ${SPAN} seconds; last second: ${latest.sent} sent, ${latest.deleted} deleted; peak ${count(
        Math.max(...samples.map((s) => s.sent)),
      )} sent per second.`
    : 'Throughput: waiting for the first sample.';
  return (
    <figure class="chart">
      <figcaption>
        <span>Messages per second</span>
        <span class="legend">
          <span class="key sent">sent {latest ? count(latest.sent) : '–'}</span>
          <span class="key deleted">deleted {latest ? count(latest.deleted) : '–'}</span>
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line class="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(top * f)} y2={y(top * f)} />
            <text class="axis" x={PAD.left - 6} y={y(top * f) + 4} text-anchor="end">
              {count(top * f)}
            </text>
          </g>
        ))}
        {[SPAN, SPAN / 2, 0].map((s) => (
          <text
            key={s}
            class="axis"
            x={x(end - s * 1000)}
            y={HEIGHT - 4}
            text-anchor={s === SPAN ? 'start' : s === 0 ? 'end' : 'middle'}
          >
            {s === 0 ? 'now' : `−${s} s`}
          </text>
        ))}
        <polyline class="series sent" points={line((s) => s.sent)} />
        <polyline class="series deleted" points={line((s) => s.deleted)} />
      </svg>
    </figure>
  );
}
