// The FIFO crash scenario at the full size: 50 groups × 200 messages, 8 consumers, a SIGKILL
// and restart mid-run (see packages/broker/test/crash-fifo-scenario.ts). Prints the run's figures and
// exits 1 on any order violation, duplicate or lost message.
// Usage: node --conditions=source --import tsx bench/fifo-crash.ts [groups] [perGroup] [consumers]
import { formatFifoCrash, runFifoCrash } from '../packages/broker/test/crash-fifo-scenario.js';

const [groups = 50, perGroup = 200, consumers = 8] = process.argv.slice(2).map(Number);
const report = await runFifoCrash({ groups, perGroup, consumers, timeoutMs: 180_000 });
console.log(formatFifoCrash(report));
const failed =
  report.orderViolations.length + report.duplicates.length + report.lost.length + report.dedupMismatches;
if (failed > 0) {
  console.log(JSON.stringify({ ...report, lost: report.lost.slice(0, 20) }, null, 2));
  process.exit(1);
}
