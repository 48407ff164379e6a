// A broker in a child process, for tests that kill it: start it on a data dir, SIGKILL it, start it
// again on the same dir. Reused by the crash tests (SQS now; FIFO, SNS and the crash-cycle audit later).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const BUILT_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface BrokerProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown, no flush. Resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for a clean exit (code 0). */
  stop(): Promise<number | null>;
}

/**
 * Starts `mega serve` on `dataDir` (port 0) and resolves once it prints its URL. From the TypeScript
 * sources under tsx by default; `built: true` runs the compiled `dist/cli.js` as users do (`npm run
 * build` first) — for measuring memory, which tsx inflates by ~30 MB. `env` adds to its environment
 * (`MEGA_STORE_ENGINE=logged`, say).
 */
export async function startBrokerProcess(
  dataDir: string,
  args: string[] = [],
  options: { built?: boolean; env?: Record<string, string> } = {},
): Promise<BrokerProcess> {
  const entry = options.built ? [BUILT_CLI] : ['--conditions=source', '--import', 'tsx', CLI];
  const child = spawn(process.execPath, [...entry, 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MEGA_LOG_LEVEL: 'warn', ...options.env },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code}:\n${output}`));
    });
  });
  const exited = once(child, 'exit');
  return {
    url,
    child,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
