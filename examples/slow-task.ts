// A task that takes longer than the queue's visibility timeout: without care, SQS would hand it to
// another worker halfway through. The listener's heartbeat keeps extending the visibility while the
// handler runs, so the task is received once and finishes once.
import { Listener, SqsPublisher } from 'sqs-mega';
import { counters, type Example, every, isMain, main } from './lib/example.js';
import { queue } from './lib/setup.js';

export const slowTask: Example = async ({ sqs, print, intervalMs = 1500 }) => {
  const stats = counters('published', 'started', 'finished', 'receivedOnce');
  const visibilityTimeout = 2; // seconds
  const workMs = 3 * visibilityTimeout * 1000;
  const reports = await queue(sqs, 'reports', { VisibilityTimeout: String(visibilityTimeout) });
  const publisher = new SqsPublisher({ client: sqs, queueUrl: reports.url });
  const listener = new Listener({
    client: sqs,
    queueUrl: reports.url,
    waitTimeSeconds: 1,
    visibilityTimeout,
    heartbeatSeconds: 1,
  });
  listener.subscribe({ type: 'report' }, async (report: { id: string }, ctx) => {
    stats.started++;
    print(
      'match',
      'reports',
      `${report.id}: building (${workMs / 1000}s, visibility timeout ${visibilityTimeout}s — the heartbeat keeps it hidden)`,
    );
    await new Promise((resolve) => setTimeout(resolve, workMs));
    if (ctx.receiveCount === 1) stats.receivedOnce++;
    stats.finished++;
    print(
      'done',
      'reports',
      `${report.id}: finished after ${workMs / 1000}s, received ${ctx.receiveCount} time(s)`,
    );
  });
  listener.start();

  let n = 0;
  const stopProducing = every(
    intervalMs * 8,
    async () => {
      n++;
      await publisher.publish({ type: 'report', id: `report-${n}` });
      stats.published++;
      print('publish', 'reports', `report-${n} requested`);
    },
    (e) => print('warn', 'reports', `publish failed: ${(e as Error).message}`),
  );
  return {
    stats,
    async stop() {
      await stopProducing();
      await listener.stop();
    },
  };
};

if (isMain(import.meta.url)) void main(slowTask, 'slow-task');
