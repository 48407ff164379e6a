import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFifoCrash, runFifoCrash } from './crash-fifo-scenario.js';

describe('FIFO durability under concurrency', () => {
  it('8 consumers, 50 groups × 40 deduplicated sends, forgotten deletes and a SIGKILL mid-run: no order violation, no duplicate, nothing lost', async () => {
    const report = await runFifoCrash({ groups: 50, perGroup: 40, consumers: 8, timeoutMs: 25_000 });
    console.log(formatFifoCrash(report));
    assert.ok(
      report.processedBeforeKill > 0 && report.processedBeforeKill < report.messages,
      'killed mid-run',
    );
    assert.equal(report.ackedSends, report.messages, 'every send acknowledged in the end');
    assert.ok(report.duplicatedBatches > 0, 'some batches were sent twice');
    assert.ok(report.redeliveries > 0, 'some messages were redelivered');
    assert.deepEqual(report.orderViolations, [], 'order violations within a group');
    assert.deepEqual(report.duplicates, [], 'deduplicated sends delivered or stored twice');
    assert.equal(report.dedupMismatches, 0, 'a repeated send answered with another MessageId');
    assert.deepEqual(report.lost, [], 'acknowledged sends never processed');
  });
});
