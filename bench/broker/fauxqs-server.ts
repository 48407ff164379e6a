// fauxqs 1.9.2 (in memory) on a free port, as a child process of bench/broker.ts.
// Prints `listening on http://127.0.0.1:PORT`.
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
console.log(`fauxqs listening on http://127.0.0.1:${server.port}`);
process.on('SIGTERM', () => process.exit(0));
