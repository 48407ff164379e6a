// Resident size of each server holding a backlog: the RSS rows of bench:broker without its other
// workloads. Fills one queue with N × 1 KiB messages (wrk, SendMessageBatch) and prints RSS before and
// after, per message.
// Run: node --conditions=source --import tsx bench/rss.ts [--servers=in-memory,durable,fauxqs2] [--messages=1000000]
import { parseArgs } from 'node:util';
import { fillBacklog } from './broker/measure.js';
import { rssBytes } from './broker/proc.js';
import { buildBroker, SERVER_NAMES, type ServerName, startServer } from './broker/servers.js';
import { createQueue, visibleMessages } from './broker/sqs.js';
import { requireWrk } from './broker/wrk.js';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'in-memory,durable,fauxqs2' },
    messages: { type: 'string', default: '1000000' },
  },
});
const names = values.servers.split(',') as ServerName[];
for (const name of names) {
  if (!SERVER_NAMES.includes(name))
    throw new Error(`unknown server ${name}: one of ${SERVER_NAMES.join(', ')}`);
}
requireWrk();
buildBroker();
const MB = 1024 * 1024;
for (const name of names) {
  const server = await startServer(name);
  try {
    const before = rssBytes(server.pid);
    const queueUrl = await createQueue(server.url, 'bench-rss');
    const seconds = await fillBacklog(server, queueUrl, Number(values.messages));
    const held = await visibleMessages(server.url, queueUrl);
    const after = rssBytes(server.pid);
    console.log(
      `${name}: ${held.toLocaleString('en')} messages in ${seconds.toFixed(1)} s; RSS ${(before / MB).toFixed(0)} MB ` +
        `at start, ${(after / MB).toFixed(0)} MB with the backlog (${((after - before) / held).toFixed(0)} B/message)`,
    );
  } finally {
    await server.stop();
  }
}
