#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { startBroker } from './server.js';

const program = new Command('mega').description(
  'sqs-mega: an embedded Amazon SQS compatible broker, and tools around it',
);

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('must be 12 digits');
  return value;
}

program
  .command('serve')
  .description('run the broker in the foreground (Ctrl-C or SIGTERM stops it cleanly)')
  .option('--host <host>', 'interface to bind', '127.0.0.1')
  .option('--port <port>', 'TCP port (0 picks a free one)', port, 9324)
  .option('--data-dir <dir>', 'directory of the durable store', '.mega')
  .option('--in-memory', 'keep everything in memory (nothing survives a restart)', false)
  .option('--fsync', 'fsync every commit: survives power loss, not only crashes (slower)', false)
  .option('--region <region>', 'region for unsigned requests', 'us-east-1')
  .option('--account-id <id>', 'account id in queue URLs and ARNs', accountId, '000000000000')
  .option(
    '--sns-allow-hosts <hosts>',
    'comma-separated hosts, IPs or CIDRs SNS HTTP/S subscriptions may reach (default: loopback only)',
    (value: string) =>
      value
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== ''),
  )
  .action(
    async (opts: {
      host: string;
      port: number;
      dataDir: string;
      inMemory: boolean;
      fsync: boolean;
      region: string;
      accountId: string;
      snsAllowHosts?: string[];
    }) => {
      const broker = await startBroker(opts);
      const where = opts.inMemory ? 'in memory' : `data in ${opts.dataDir}`;
      console.log(
        `mega broker listening on ${broker.url} (${where}, region ${opts.region}, account ${opts.accountId})`,
      );
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: stopping`);
        broker.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    },
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
