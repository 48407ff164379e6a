// Starts bench/consume/broker-process.ts (the broker in its own process, off the benchmark's event
// loop) and resolves with its client config and a function that kills it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientConfig } from './runners.js';

export async function spawnBroker(): Promise<{ config: ClientConfig; kill: () => void }> {
  const script = fileURLToPath(new URL('./broker-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const config = await new Promise<ClientConfig>((resolve) => {
    child.stdout.setEncoding('utf8');
    child.stdout.once('data', (line: string) => resolve(JSON.parse(line)));
  });
  return { config, kill: () => child.kill() };
}
