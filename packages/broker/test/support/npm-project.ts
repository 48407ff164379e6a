// Helpers for tests that act as a user in a project of their own (the packaging and newcomer tests):
// npm's environment without the enclosing `npm test`'s, `npx mega serve` in a process group, and a
// local prebuild of better-sqlite3 so that its real install script finds a binary instead of compiling.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The environment of the child npm processes: this one's, less what an enclosing `npm test` adds
 * about *this* project (its prefix, package and lifecycle), so that npm in a temp project treats that
 * project as its own. Registry, cache and CA settings given through npm_config_* are kept.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const ours =
      key === 'npm_config_local_prefix' ||
      key === 'npm_command' ||
      key === 'npm_config_call' ||
      key === 'INIT_CWD' ||
      key.startsWith('npm_package_') ||
      key.startsWith('npm_lifecycle_') ||
      key.startsWith('npm_config_workspace');
    if (!ours) env[key] = value;
  }
  return env;
}

/**
 * Starts `npx mega serve ARGS` (default `--port 0 --in-memory`) in `dir`; resolves once it prints its URL. It runs in
 * a process group of its own: npx does not pass SIGTERM on to the bin it runs (the broker would be
 * orphaned), so signals go to the whole group, as a terminal's Ctrl-C or a process manager would.
 */
export async function serve(dir: string, args: string[] = ['--port', '0', '--in-memory']) {
  // --no: never download `mega` from the registry, only run the installed bin.
  const child = spawn('npx', ['--no', 'mega', 'serve', ...args], {
    cwd: dir,
    env: { ...npmEnv(), MEGA_LOG_LEVEL: 'silent', npm_config_yes: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const group = child.pid;
  assert.ok(group, 'npx did not start');
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-group, name);
    } catch {
      // the group is gone already
    }
  };
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // 'close': every process holding the pipes, npx and the broker, has exited (a liveness probe of
  // the group would not do: an orphan's zombie stays in it where pid 1 does not reap). Whatever
  // is still running after 60 s is killed, so that a failing test leaves no broker behind.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const killer = setTimeout(() => signal('SIGKILL'), 60_000);
  closed.then(() => clearTimeout(killer));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal('SIGKILL');
      reject(new Error(`mega serve printed no URL within 30 s:\n${output}`));
    }, 30_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    closed.then(() => {
      clearTimeout(timer);
      reject(new Error(`mega serve exited before listening:\n${output}`));
    });
  });
  return { url, signal, closed, output: () => output };
}

/**
 * Writes, into `dir`, the repo's compiled better-sqlite3 addon as the prebuild tarball that
 * prebuild-install (better-sqlite3's install script) looks for before downloading or compiling:
 * `better-sqlite3-v<version>-node-v<abi>-<platform>-<arch>.tar.gz` holding
 * `build/Release/better_sqlite3.node`. Returns the environment that points prebuild-install at it
 * (its documented `--local-prebuilds` setting). The install script itself still runs, as on a
 * user's machine with a prebuilt binary available; only the 2-minute SQLite compile is saved.
 */
export function localPrebuild(dir: string): NodeJS.ProcessEnv {
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  mkdirSync(dir, { recursive: true });
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(dir, name), '-C', sqliteDir, 'build/Release/better_sqlite3.node']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}
