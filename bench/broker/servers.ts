// The servers under test, each started as a child process so its CPU time and RSS are its own. The
// broker runs built (`dist/cli.js`, what `npx mega serve` runs; see buildBroker), the peers under tsx.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fauxqs2, node22, sqliteAddonFor } from './peers.js';

/**
 * The columns. `durable-22` and `in-memory-22` are the same broker on Node 22 (the binary fauxqs 2 runs
 * on), so that it meets fauxqs 2 on the same Node version; `durable` and `in-memory` run on the Node
 * that runs the bench. `logged` and `logged-22` are the durable broker on the logged engine
 * (`MEGA_STORE_ENGINE=logged`: the heap as live state, a journal, SQLite behind it on a worker thread). `ceiling-raw` (the ceiling on the broker's raw HTTP front) is not a column of
 * the table: `bench:ab --base=ceiling-raw`.
 */
export type ServerName =
  | 'durable'
  | 'in-memory'
  | 'durable-22'
  | 'in-memory-22'
  | 'logged'
  | 'logged-22'
  | 'fauxqs'
  | 'fauxqs2'
  | 'ceiling'
  | 'ceiling-raw';
export const SERVER_NAMES: readonly ServerName[] = [
  'durable',
  'in-memory',
  'durable-22',
  'in-memory-22',
  'logged',
  'logged-22',
  'fauxqs',
  'fauxqs2',
  'ceiling',
];

export interface RunningServer {
  readonly name: ServerName;
  readonly pid: number;
  /** Base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** This checkout. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = ['--conditions=source', '--import', 'tsx'];

function command(name: ServerName, dataDir: string, root: string): string[] {
  if (name === 'fauxqs2') {
    const peer = fauxqs2();
    if (!peer) throw new Error('fauxqs 2 could not be fetched (npm, network, linux-x64 only)');
    return [peer.script];
  }
  const cli = [join(root, 'packages/broker/dist/cli.js'), 'serve', '--port', '0'];
  switch (name) {
    case 'durable':
    case 'logged':
      return [...cli, '--data-dir', dataDir];
    case 'durable-22':
    case 'logged-22':
      return ['--require', join(ROOT, 'bench/broker/sqlite-addon.cjs'), ...cli, '--data-dir', dataDir];
    case 'in-memory':
    case 'in-memory-22':
      return [...cli, '--in-memory'];
    case 'fauxqs':
      return [...TSX, 'bench/broker/fauxqs-server.ts'];
    case 'ceiling':
      return [...TSX, 'bench/broker/ceiling.ts'];
    case 'ceiling-raw':
      return [...TSX, 'bench/broker/ceiling.ts', '--raw'];
  }
}

/**
 * Builds the packages (`npm run build`, a few seconds), so that the broker is measured as users run
 * it: tsx would add ~30 MB of RSS and its loader to every figure.
 */
export function buildBroker(root = ROOT): void {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}

/**
 * Starts `name` on a free port and waits until it prints `listening on http://…`. The broker columns
 * run the build in `root` (default: this checkout; bench/ab.ts passes another revision's); `nodeArgs`
 * go to node before the script (bench/profile.ts passes `--cpu-prof`).
 */
export async function startServer(
  name: ServerName,
  root = ROOT,
  nodeArgs: readonly string[] = [],
): Promise<RunningServer> {
  const { exec, env } = runtime(name);
  const dataDir = mkdtempSync(join(tmpdir(), 'mega-bench-'));
  const child = spawn(exec, [...nodeArgs, ...command(name, dataDir, root)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MEGA_LOG_LEVEL: 'warn', ...env },
  });
  const url = await waitForUrl(child, name);
  return {
    name,
    pid: child.pid as number,
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The Node binary that runs `name`, and what its environment adds; throws when it cannot run here. */
function runtime(name: ServerName): { exec: string; env: Record<string, string> } {
  if (name === 'fauxqs2') return { exec: fauxqs2()?.node ?? process.execPath, env: {} };
  const engine: Record<string, string> = name.startsWith('logged') ? { MEGA_STORE_ENGINE: 'logged' } : {};
  if (name !== 'durable-22' && name !== 'in-memory-22' && name !== 'logged-22')
    return { exec: process.execPath, env: engine };
  const node = node22();
  if (!node) throw new Error('Node 22 could not be fetched (npm, network, linux-x64 only)');
  if (name === 'in-memory-22') return { exec: node, env: {} };
  const addon = sqliteAddonFor(node);
  if (!addon) throw new Error('better-sqlite3 could not be compiled for Node 22 (node-gyp, g++, python3)');
  return { exec: node, env: { MEGA_BENCH_SQLITE_ADDON: addon, ...engine } };
}

function waitForUrl(child: ChildProcess, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`${name} did not start in 30 s:\n${output}`)), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onExit = (code: number | null) =>
      fail(new Error(`${name} exited (${code}) before listening:\n${output}`));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s)]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(`[${name}] ${chunk.toString()}`);
    });
    child.once('exit', onExit);
  });
}
