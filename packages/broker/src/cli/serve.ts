import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { startBroker } from '../server.js';
import { UsageError } from './errors.js';
import { keepHeapSmall } from './heap.js';

/**
 * `mega serve`: the broker in the foreground. Every option of serve is declared here, in one place
 * (its flags are a contract: see README.md).
 */

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('must be 12 digits');
  return value;
}

function credential(value: string): string {
  if (!/^[A-Za-z0-9]{1,128}:\S{1,256}$/.test(value)) throw new InvalidArgumentError('must be KEY:SECRET');
  return value;
}

function splitCredential(pair: string): [string, string] {
  const colon = pair.indexOf(':');
  return [pair.slice(0, colon), pair.slice(colon + 1)];
}

/** KEY:SECRET lines; blank lines and lines starting with # are skipped. */
function readCredentialsFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--credentials-file ${file}: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      try {
        return credential(line);
      } catch {
        throw new UsageError(`${file}: each line must be KEY:SECRET`);
      }
    });
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the broker in the foreground (Ctrl-C or SIGTERM stops it cleanly)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', port, 9324)
    .option('--data-dir <dir>', 'directory of the durable store', '.mega')
    .option('--in-memory', 'keep everything in memory (nothing survives a restart)', false)
    .option('--fsync', 'fsync every commit: survives power loss, not only crashes (slower)', false)
    .addOption(
      new Option(
        '--engine <engine>',
        'durable engine: sqlite (all in SQLite) or logged (live state in memory, a journal, SQLite behind it on a second thread)',
      )
        .choices(['sqlite', 'logged'])
        .env('MEGA_STORE_ENGINE')
        .default('sqlite'),
    )
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
    .option(
      '--credentials <key:secret>',
      'require SigV4-signed requests by this access key (repeatable)',
      (value: string, previous: string[] = []) => [...previous, credential(value)],
    )
    .option(
      '--credentials-file <file>',
      'require signed requests by the KEY:SECRET pairs in this file, one per line',
    )
    .option(
      '--allow-host <name>',
      'a host name clients may address the broker by, besides loopback names (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--insecure', 'allow a non-loopback --host without credentials', false)
    .option(
      '--allow-reset',
      'serve POST /moto-api/reset and /_localstack/state/reset: delete every queue, message, topic and subscription',
      false,
    )
    .option(
      '--max-body-bytes <bytes>',
      'largest request body accepted (413 beyond)',
      positive,
      16 * 1024 * 1024,
    )
    .option('--max-connections <n>', 'most client connections open at once (503 beyond)', positive, 1000)
    .option(
      '--max-buffered-bytes <bytes>',
      'most request-body bytes held in memory at once, all connections together (503 beyond)',
      positive,
      32 * 1024 * 1024,
    )
    .option(
      '--max-database-bytes <bytes>',
      'largest database file (writes get 503 beyond; default: no limit)',
      positive,
    )
    .option(
      '--verbose',
      'log one line per request (action, queue, status, ms) through the broker log (MEGA_LOG_LEVEL info or lower)',
      false,
    )
    .action(
      async (opts: {
        host: string;
        port: number;
        dataDir: string;
        inMemory: boolean;
        fsync: boolean;
        engine: 'sqlite' | 'logged';
        region: string;
        accountId: string;
        snsAllowHosts?: string[];
        credentials?: string[];
        credentialsFile?: string;
        allowHost?: string[];
        insecure: boolean;
        allowReset: boolean;
        maxBodyBytes: number;
        maxConnections: number;
        maxBufferedBytes: number;
        maxDatabaseBytes?: number;
        verbose: boolean;
      }) => {
        const pairs = [
          ...(opts.credentials ?? []),
          ...(opts.credentialsFile ? readCredentialsFile(opts.credentialsFile) : []),
        ];
        // in memory the live heap is the backlog: V8's own growth is cheaper there (cli/heap.ts)
        if (!opts.inMemory) keepHeapSmall();
        const broker = await startBroker({
          ...opts,
          credentials: new Map(pairs.map((pair) => splitCredential(pair))),
          allowHosts: opts.allowHost,
          logRequests: opts.verbose,
        });
        const where = opts.inMemory
          ? 'in memory'
          : `data in ${opts.dataDir}${opts.engine === 'logged' ? ', logged engine' : ''}`;
        const auth = pairs.length > 0 ? `, ${pairs.length} access key(s): requests must be signed` : '';
        console.log(
          `mega broker listening on ${broker.url} (${where}, region ${opts.region}, account ${opts.accountId}${auth})`,
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
}
