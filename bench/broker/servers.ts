// The servers under test, each started as a child process so its CPU time and RSS are its own. The
// broker runs built (`dist/cli.js`, what `npx mega serve` runs; see buildBroker), the peers under tsx.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fauxqs2 } from './peers.js';

/** `ceiling-raw` (the ceiling on the broker's raw HTTP front) is not a column of the table: `bench:ab --base=ceiling-raw`. */
export type ServerName = 'durable' | 'in-memory' | 'fauxqs' | 'fauxqs2' | 'ceiling' | 'ceiling-raw';
export const SERVER_NAMES: readonly ServerName[] = ['durable', 'in-memory', 'fauxqs', 'fauxqs2', 'ceiling'];

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
      return [...cli, '--data-dir', dataDir];
    case 'in-memory':
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
  const dataDir = mkdtempSync(join(tmpdir(), 'mega-bench-'));
  const exec = name === 'fauxqs2' ? (fauxqs2()?.node ?? process.execPath) : process.execPath;
  const child = spawn(exec, [...nodeArgs, ...command(name, dataDir, root)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MEGA_LOG_LEVEL: 'warn' },
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
