// `npm start`: the durable broker (data under ./.mega, dashboard at its root URL) and the examples
// running together against it — an event bus with filter policies, a FIFO shopping-cart flow,
// retries and dead letters with a poison message, a slow task kept alive by the heartbeat, and
// exactly-once payments (idempotency, a typed event, Prometheus metrics on /metrics), and a noisy
// tenant held to its rate limit (its orders rerouted to a delayed queue) while the others flow.
// Ctrl-C stops the producers, drains the listeners and stops the broker.
import { startBroker } from 'sqs-mega-broker';
import { eventBus } from '../event-bus.js';
import { clientsFor, type Running } from '../lib/example.js';
import { terminal } from '../lib/terminal.js';
import { noisyTenant } from '../noisy-tenant.js';
import { retriesAndDeadLetters } from '../retries-and-dead-letters.js';
import { shoppingCart } from '../shopping-cart.js';
import { slowTask } from '../slow-task.js';

const port = Number(process.env.MEGA_PORT ?? 9324);
const dataDir = process.env.MEGA_DATA_DIR ?? '.mega';
process.env.MEGA_LOG_LEVEL ??= 'warn';
// the AWS SDK's notice that its 2027 releases need Node 22 (README says so) would crowd the demo's output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const print = terminal();

let broker: Awaited<ReturnType<typeof startBroker>>;
try {
  broker = await startBroker({ port, dataDir });
} catch (error) {
  const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  print(
    'warn',
    'demo',
    busy ? `port ${port} is in use: stop what runs there, or MEGA_PORT=9325 npm start` : String(error),
  );
  process.exit(1);
}
print('info', 'demo', `broker listening on ${broker.url} (durable, data in ${dataDir})`);
print('info', 'demo', `dashboard: ${broker.url}/  — open it in a browser`);
print(
  'info',
  'demo',
  'point any AWS SDK, boto3 or the AWS CLI at it with dummy credentials; Ctrl-C stops everything',
);

// loaded after the broker answers: zod and prom-client stay out of the start-up time
const { payments } = await import('../payments.js');
const { sqs, sns } = clientsFor(broker.url);
const running: Running[] = [];
for (const example of [eventBus, shoppingCart, retriesAndDeadLetters, slowTask, payments, noisyTenant]) {
  running.push(await example({ sqs, sns, print }));
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  print('info', 'demo', `${signal}: draining listeners and stopping the broker…`);
  await Promise.all(running.map((r) => r.stop()));
  sqs.destroy();
  sns.destroy();
  await broker.stop();
  const totals = Object.assign({}, ...running.map((r) => r.stats));
  print('info', 'demo', `stopped cleanly: ${JSON.stringify(totals)}`);
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
