// The crash-cycle audit at full length: standard, FIFO and SNS fan-out load while the broker is
// SIGKILLed and restarted `--cycles` times (see packages/broker/test/support/crash-cycles.ts).
// Prints the report table; exits 1 if the audit finds anything lost, resurrected, out of order or
// misdelivered.
// Usage: node --conditions=source --import tsx bench/crash-cycles.ts [--cycles=50] [--cycle-ms=1500]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  auditFailures,
  formatCrashCycles,
  runCrashCycles,
} from '../packages/broker/test/support/crash-cycles.js';

const { values } = parseArgs({
  options: { cycles: { type: 'string', default: '50' }, 'cycle-ms': { type: 'string', default: '1500' } },
});
const dataDir = mkdtempSync(join(tmpdir(), 'mega-cycles-'));
try {
  const report = await runCrashCycles({
    cycles: Number(values.cycles),
    cycleMs: Number(values['cycle-ms']),
    dataDir,
    log: (line) => console.error(line),
  });
  console.log(formatCrashCycles(report));
  if (auditFailures(report) > 0) {
    const head = (xs: string[]) => xs.slice(0, 20);
    const { lost, resurrected, fifoLost, fifoResurrected, orderViolations, snsMissing, snsMisrouted } =
      report;
    console.log(
      JSON.stringify(
        [lost, resurrected, fifoLost, fifoResurrected, orderViolations, snsMissing, snsMisrouted].map(head),
      ),
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
