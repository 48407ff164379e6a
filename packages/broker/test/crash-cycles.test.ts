import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatCrashCycles, runCrashCycles } from './support/crash-cycles.js';

// the SQLite engine, and the logged engine with disk-only tails from the 50th message of a queue on
const ENGINES: Array<[string, Record<string, string>]> = [
  ['SQLite engine', {}],
  ['logged engine', { MEGA_STORE_ENGINE: 'logged', MEGA_STORE_SPILL_CAP: '50' }],
];

describe('crash cycles', () => {
  for (const [engine, env] of ENGINES)
    it(`${engine}: 3 SIGKILL + restart cycles under standard, FIFO and SNS fan-out load: nothing acknowledged lost, no delete resurrected, FIFO order kept, every publish in every matching subscription`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mega-cycles-'));
      try {
        const r = await runCrashCycles({ cycles: 3, cycleMs: 1_500, dataDir, env });
        console.log(formatCrashCycles(r));
        assert.ok(
          r.ackedSends > 200 && r.ackedDeletes > 50,
          `standard load: ${r.ackedSends} / ${r.ackedDeletes}`,
        );
        assert.ok(r.ackedFifoSends > 100 && r.ackedFifoDeletes > 50, `FIFO load: ${r.ackedFifoSends}`);
        assert.ok(r.ackedPublishes > 100, `SNS load: ${r.ackedPublishes}`);
        assert.deepEqual(r.lost, [], 'acknowledged sends lost (standard)');
        assert.deepEqual(r.resurrected, [], 'acknowledged deletes resurrected (standard)');
        assert.deepEqual(r.fifoLost, [], 'acknowledged sends lost (FIFO)');
        assert.deepEqual(r.fifoResurrected, [], 'acknowledged deletes resurrected (FIFO)');
        assert.deepEqual(r.orderViolations, [], 'FIFO order violations');
        assert.deepEqual(r.snsMissing.slice(0, 20), [], 'publishes missing from a matching subscription');
        assert.deepEqual(r.snsMisrouted.slice(0, 20), [], 'publishes in a non-matching subscription');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
});
