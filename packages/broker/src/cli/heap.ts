import { setFlagsFromString } from 'node:v8';

/** Old-generation growth between full collections, in percent of what survived the last one. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Keeps the broker process's garbage small: V8 sizes its heap for the machine (a 4 GB limit on a
 * 24 GB host) and then lets the old generation grow to up to 4× what survived the last full
 * collection before collecting again. The broker's live heap is small (message bodies live in the
 * store), but large request bodies leave large garbage, so under hostile load the resident size
 * swung between ~70 and ~230 MB (bench/fuzz.ts, 60,000 requests). Growing by
 * {@link HEAP_GROWING_PERCENT} % instead: 179 MB on the same run, 201 and 194 MB over two runs of
 * 1,000,000 requests, and no throughput difference measured on batched sends.
 *
 * Only for the `mega serve` process on the durable engine: an embedding application owns its own V8
 * flags, and with `--in-memory` the live heap is the backlog itself, which the flag would only re-mark
 * more often (10 % of the batched-send throughput, same RSS; docs/hardening.md). A
 * `--heap-growing-percent` given on node's command line wins (node refuses it in NODE_OPTIONS). V8
 * reads this flag at every full collection, so setting it once the process runs takes effect.
 */
export function keepHeapSmall(): void {
  const given = process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg));
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
