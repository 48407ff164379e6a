// Runs wrk with one of the Lua scripts in ./lua and reads the counters its done() prints.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LUA_DIR = fileURLToPath(new URL('./lua/', import.meta.url));

/** wrk's load shape: one thread and 16 connections on these 2-core machines. */
export const WRK_THREADS = 1;
export const WRK_CONNECTIONS = 16;

export type Script = 'send-batch' | 'send' | 'cycle' | 'cycle-fifo' | 'fill' | 'publish';

/** What one wrk run reports: the Lua counters and wrk's own totals. */
export interface WrkResult {
  durationUs: number;
  requests: number;
  /** Messages acknowledged by send responses (one per MD5OfMessageBody). */
  sent: number;
  received: number;
  /** Messages deleted with a receipt handle from this run: fully cycled. */
  deleted: number;
  failedEntries: number;
  non200: number;
  socketErrors: number;
}

/** Exits with install instructions when wrk is not on the PATH. */
export function requireWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk --version exits 1 after printing its banner; only a missing binary is fatal.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(
        'wrk is not installed: sudo apt-get install -y wrk   (Debian/Ubuntu; brew install wrk on macOS)',
      );
      process.exit(1);
    }
  }
}

/** Runs `script` against `url` for `seconds`, passing `args` to the script's init(). */
export function runWrk(
  script: Script,
  url: string,
  seconds: number,
  args: string[],
  connections = WRK_CONNECTIONS,
): Promise<WrkResult> {
  const argv = [
    `-t${WRK_THREADS}`,
    `-c${connections}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    `${LUA_DIR}${script}.lua`,
    url,
    '--',
    ...args,
  ];
  const env = { ...process.env, LUA_PATH: `${LUA_DIR}?.lua;;` };
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // A script that reached its goal says so; wrk would otherwise wait out its duration.
      if (stderr.includes('FILLED\n')) child.kill('SIGINT');
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = /^BENCH (\{.*\})$/m.exec(stdout);
      if (!line) reject(new Error(`wrk ${argv.join(' ')} failed (${code}):\n${stdout}${stderr}`));
      else resolve(JSON.parse(line[1] as string) as WrkResult);
    });
  });
}

/** Requests or entries that did not succeed: a run with any is not a figure. */
export const errorsOf = (r: WrkResult): number => r.failedEntries + r.non200 + r.socketErrors;
