// Resident size of each server holding a backlog: the RSS rows of bench:broker without its other
// workloads. Fills one queue with N × 1 KiB messages (wrk, SendMessageBatch) and prints RSS before and
// after, per message. With --base=<revision> the broker servers (in-memory, durable, *-22) run that
// revision too, checked out and built next to this one (as bench:ab does), each right after this
// checkout's, so that a change is measured against its base on the same machine in one run.
// Run: node --conditions=source --import tsx bench/rss.ts [--servers=in-memory,durable,fauxqs2] [--messages=1000000] [--base=main]
import { parseArgs } from 'node:util';
import { type Checkout, checkoutAndBuild } from './broker/checkout.js';
import { fillBacklog } from './broker/measure.js';
import { rssBytes } from './broker/proc.js';
import { buildBroker, ROOT, SERVER_NAMES, type ServerName, startServer } from './broker/servers.js';
import { createQueue, visibleMessages } from './broker/sqs.js';
import { requireWrk } from './broker/wrk.js';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'in-memory,durable,fauxqs2' },
    messages: { type: 'string', default: '1000000' },
    base: { type: 'string' },
  },
});
const names = values.servers.split(',') as ServerName[];
for (const name of names) {
  if (!SERVER_NAMES.includes(name))
    throw new Error(`unknown server ${name}: one of ${SERVER_NAMES.join(', ')}`);
}
requireWrk();
buildBroker();
const base: Checkout | undefined = values.base === undefined ? undefined : checkoutAndBuild(values.base);
const MB = 1024 * 1024;
/** The servers that are this repository's broker (the others are peers, the same at any revision). */
const BROKERS: readonly ServerName[] = [
  'in-memory',
  'durable',
  'in-memory-22',
  'durable-22',
  'logged',
  'logged-22',
];

async function measure(name: ServerName, root: string, label: string): Promise<void> {
  const server = await startServer(name, root);
  try {
    const before = rssBytes(server.pid);
    const queueUrl = await createQueue(server.url, 'bench-rss');
    const seconds = await fillBacklog(server, queueUrl, Number(values.messages));
    const held = await visibleMessages(server.url, queueUrl);
    const after = rssBytes(server.pid);
    console.log(
      `${label}: ${held.toLocaleString('en')} messages in ${seconds.toFixed(1)} s; RSS ${(before / MB).toFixed(0)} MB ` +
        `at start, ${(after / MB).toFixed(0)} MB with the backlog (${((after - before) / held).toFixed(0)} B/message)`,
    );
  } finally {
    await server.stop();
  }
}

try {
  for (const name of names) {
    await measure(name, ROOT, name);
    if (base !== undefined && BROKERS.includes(name)) {
      await measure(name, base.root, `${name} at ${values.base} (${base.commit.slice(0, 7)})`);
    }
  }
} finally {
  base?.remove();
}
