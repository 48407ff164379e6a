import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startTestBroker } from 'sqs-mega-broker/testing';
import { clientsFor } from '../lib/example.js';
import { recorder } from '../lib/terminal.js';
import { payments } from '../payments.js';

it('payments: duplicates sent by the producer are charged once, and /metrics shows the listener', async () => {
  process.env.MEGA_METRICS_PORT = '0';
  const broker = await startTestBroker();
  const { sqs, sns } = clientsFor(broker.url);
  const print = recorder();
  const running = await payments({ sqs, sns, print, intervalMs: 100 });
  try {
    const end = Date.now() + 20_000;
    // 4 payments published, 2 of them twice: 4 charges, never 6.
    while ((running.stats.published ?? 0) < 4 || (running.stats.charged ?? 0) < 4) {
      if (Date.now() > end) assert.fail(`not reached: ${JSON.stringify(running.stats)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1500)); // let the duplicates arrive and be skipped
    const stats = { ...running.stats };
    assert.ok((stats.duplicatesSent ?? 0) >= 2);
    const charged = print.lines.filter((l) => l.kind === 'done').map((l) => l.text.split(':')[0]);
    assert.equal(new Set(charged).size, charged.length, `a payment was charged twice: ${charged}`);
    for (const id of ['pay-2', 'pay-4'])
      assert.ok(charged.includes(id), `${id} (sent twice) was charged once`);
    const url = print.lines.find((l) => l.source === 'metrics')?.text.replace('Prometheus metrics: ', '');
    assert.ok(url, 'the metrics URL was printed');
    const text = await (await fetch(url)).text();
    assert.match(
      text,
      /mega_listener_handled_total\{queue="payments",subscriber="charge",outcome="ok"\} \d+/,
    );
    assert.match(text, /mega_publisher_sent_total\{destination="payments"\} \d+/);
  } finally {
    await running.stop();
    sqs.destroy();
    sns.destroy();
    await broker.stop();
  }
});
