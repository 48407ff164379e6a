// The published shape of both packages: build, `npm pack` the two workspaces, install the tarballs
// into empty projects outside the workspace (no workspace links), and run what a user would run there
// (`npx mega --version`, `npx mega serve`, `import ... from` every entry point, `tsc` on a strict
// consumer with skipLibCheck false). Runs in `npm test` like every other test file; it takes
// ~20-40 s (build ~5 s, two installs from the npm cache, a broker start, two tsc runs).
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { docExample, type RunResult, run } from './fixtures/clients.js';
import { npmEnv, serve } from './support/npm-project.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
/** The repo's better-sqlite3, compiled for this Node by `npm ci`. */
const SQLITE_DIR = dirname(require.resolve('better-sqlite3/package.json'));
const SQLITE_VERSION = (
  JSON.parse(readFileSync(join(SQLITE_DIR, 'package.json'), 'utf8')) as { version: string }
).version;
const SQLITE_BINARY = join('build', 'Release', 'better_sqlite3.node');

interface Pack {
  name: string;
  filename: string;
  files: { path: string }[];
}

/** The repo's own versions of the tools the consumer is type-checked with (not shipped deps). */
const TSC = require.resolve('typescript/bin/tsc');
const TYPES_NODE_VERSION = (require('@types/node/package.json') as { version: string }).version;
const BROKER_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'packages/broker/package.json'), 'utf8')) as { version: string }
).version;

/**
 * A TypeScript consumer of every documented entry point. The `@ts-expect-error` lines fail the
 * check if a shipped type degrades to `any` (e.g. a declaration that no longer resolves).
 */
const CONSUMER_TS = `import { SQSClient } from '@aws-sdk/client-sqs';
import { Listener } from 'sqs-mega';
import { decodePayload, gt } from 'sqs-mega/core';
import { type Broker, startBroker } from 'sqs-mega-broker';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';

export async function main(): Promise<string> {
  const broker: Broker = await startBroker({ port: 0, inMemory: true });
  const test: TestBroker = await startTestBroker({ time: 'manual' });
  await test.testClock?.advance(1_000);
  const listener = new Listener({ client: new SQSClient(test.clientConfig), queueUrl: test.url });
  listener.subscribe({ event: { name: 'order.placed', attributes: { total: gt(10) } } }, async () => {});
  const decoded = decodePayload('hello');
  // @ts-expect-error the port is a number
  await startBroker({ port: '9324' });
  // @ts-expect-error the store's internals are not part of the published types
  void broker.sqs;
  await test.stop();
  await broker.stop();
  return \`\${broker.url} \${typeof decoded}\`;
}
`;

/** The tsconfig of the consumer: strict, and the shipped declarations checked too (no skipLibCheck). */
function consumerTsconfig(resolution: 'nodenext' | 'bundler'): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'es2022',
      module: resolution === 'nodenext' ? 'nodenext' : 'preserve',
      moduleResolution: resolution,
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    },
    files: ['consumer.ts'],
  });
}

describe('packaging: the npm tarballs install into an empty project and run', { timeout: 240_000 }, () => {
  // npm_config_yes=false: npx never downloads a `mega` from the registry, only runs the installed bin
  // (the --no flag would do the same, but `npx --no mega --version` prints npm's own version).
  const env = { ...npmEnv(), MEGA_LOG_LEVEL: 'silent', npm_config_yes: 'false' };
  let tmp: string;
  let app: string;
  const tarball: Record<string, string> = {};
  let packs: Pack[] = [];

  async function ok(file: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<RunResult> {
    const r = await run(file, args, env, { cwd, timeoutMs });
    assert.equal(
      r.code,
      0,
      `${file} ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.stderr}\n${r.stdout}`,
    );
    return r;
  }

  /** An empty ESM project in the temp dir with the given tarballs (and packages) installed. */
  async function project(name: string, specs: string[]): Promise<string> {
    const dir = join(tmp, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
    // --ignore-scripts: better-sqlite3 has no prebuilt binary reachable here, so its install script
    // compiles SQLite from source (~2 min on 2 cores). The package itself is still resolved and
    // unpacked from the npm cache/registry like any dependency; only its native addon is then copied
    // from the repo's own node_modules (built by `npm ci` for this very Node), see below.
    await ok(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...specs],
      dir,
    );
    return dir;
  }

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'mega-packaging-'));
    // `npm run build` first (sqs-mega, then the broker against its declarations), then pack the
    // built dist without running prepack a second time.
    await ok('npm', ['run', 'build', '--silent'], ROOT);
    const packed = await ok(
      'npm',
      [
        'pack',
        '--json',
        '--ignore-scripts',
        '--pack-destination',
        tmp,
        '-w',
        'packages/sqs-mega',
        '-w',
        'packages/broker',
      ],
      ROOT,
    );
    packs = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Pack[];
    for (const p of packs) tarball[p.name] = join(tmp, p.filename);
    const sqsMega = tarball['sqs-mega'];
    const brokerTgz = tarball['sqs-mega-broker'];
    assert.ok(sqsMega && brokerTgz);
    // better-sqlite3 pinned to the repo's version so that the repo's compiled addon matches its JS;
    // @types/node for the TypeScript consumer (a user's own dev dependency, like TypeScript itself).
    app = await project('app', [
      sqsMega,
      brokerTgz,
      `better-sqlite3@${SQLITE_VERSION}`,
      `@types/node@${TYPES_NODE_VERSION}`,
    ]);
    const installed = join(app, 'node_modules', 'better-sqlite3');
    assert.equal(
      (JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string }).version,
      SQLITE_VERSION,
    );
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
    copyFileSync(join(SQLITE_DIR, SQLITE_BINARY), join(installed, SQLITE_BINARY));
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('packs both packages with their built dist, README and LICENSE only (no sources, maps, tests or build info)', () => {
    assert.deepEqual(packs.map((p) => p.name).sort(), ['sqs-mega', 'sqs-mega-broker']);
    for (const p of packs) {
      const paths = p.files.map((f) => f.path);
      for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
        assert.ok(paths.includes(needed), `${p.name} lacks ${needed}`);
      const stray = paths.filter(
        (f) => !(f.startsWith('dist/') || f === 'bin/mega.js' || /^(package\.json|README|LICENSE)/i.test(f)),
      );
      assert.deepEqual(stray, [], `${p.name} packs files outside dist`);
      assert.deepEqual(
        paths.filter((f) => f.endsWith('.tsbuildinfo') || f.endsWith('.test.js') || f.endsWith('.map')),
        [],
      );
    }
    const broker = packs.find((p) => p.name === 'sqs-mega-broker');
    assert.ok(broker?.files.some((f) => f.path === 'dist/cli.js'));
    assert.ok(broker?.files.some((f) => f.path === 'bin/mega.js'));
  });

  it("resolves the broker's sqs-mega to the sqs-mega tarball, and brings no @types/better-sqlite3", async () => {
    const tree = await ok('npm', ['ls', '--all', '--json'], app);
    const deps = (JSON.parse(tree.stdout) as { dependencies: Record<string, { resolved?: string }> })
      .dependencies;
    assert.match(String(deps['sqs-mega']?.resolved), /^file:/);
    assert.doesNotMatch(tree.stdout, /@types\/better-sqlite3/);
  });

  it('`npx mega --version` and `npx mega -V` print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await ok('npx', ['mega', flag], app);
      assert.equal(r.stdout, `${BROKER_VERSION}\n`);
    }
  });

  it('`npx mega serve --port 0` (durable, data in ./.mega) answers JSON 1.0 and stops on SIGTERM', async () => {
    const server = await serve(app, ['--port', '0']);
    try {
      const created = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
        body: JSON.stringify({ QueueName: 'packed' }),
      });
      assert.equal(created.status, 200);
      assert.deepEqual(await created.json(), { QueueUrl: `${server.url}/000000000000/packed` });
      const health = (await (await fetch(`${server.url}/health`)).json()) as { store: string };
      assert.equal(health.store, 'sqlite');
      // The @aws-sdk/client-sqs example of docs/clients.md, as a user would run it in their project
      // (the SDK is there as a dependency of sqs-mega; it checks the MD5s of send and receive).
      writeFileSync(join(app, 'example.mjs'), docExample('js', '@aws-sdk/client-sqs', server.url));
      const example = await ok('node', ['example.mjs'], app);
      assert.equal(example.stdout, 'hello greeting\n');
    } finally {
      server.signal('SIGTERM');
    }
    await server.closed;
    assert.match(server.output(), /SIGTERM: stopping/);
  });

  it('imports every documented entry point from ESM: sqs-mega, sqs-mega/core, sqs-mega-broker, sqs-mega-broker/testing', async () => {
    writeFileSync(
      join(app, 'entry-points.mjs'),
      `import * as mega from 'sqs-mega';
import * as core from 'sqs-mega/core';
import { startBroker } from 'sqs-mega-broker';
import { startTestBroker } from 'sqs-mega-broker/testing';
const b = await startBroker({ port: 0, inMemory: true });
const t = await startTestBroker();
console.log(JSON.stringify({ url: b.url, test: t.url, listener: typeof mega.Listener, gt: typeof core.gt,
  coreHasNoListener: !('Listener' in core) }));
await t.stop();
await b.stop();
`,
    );
    const lib = await ok('node', ['entry-points.mjs'], app);
    const printed = JSON.parse(lib.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    assert.match(String(printed.url), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(String(printed.test), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(
      { listener: printed.listener, gt: printed.gt, coreHasNoListener: printed.coreHasNoListener },
      { listener: 'function', gt: 'function', coreHasNoListener: true },
    );
  });

  for (const resolution of ['nodenext', 'bundler'] as const) {
    it(`a strict TypeScript consumer type-checks against the shipped .d.ts (moduleResolution ${resolution}, skipLibCheck false)`, async () => {
      const dir = join(app, `ts-${resolution}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS);
      writeFileSync(join(dir, 'tsconfig.json'), consumerTsconfig(resolution));
      const r = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], env, { cwd: dir });
      assert.equal(r.code, 0, `tsc (${resolution}) failed:\n${r.stdout}${r.stderr}`);
    });
  }

  it('sqs-mega installed alone pulls in no native dependency', async () => {
    const sqsMega = tarball['sqs-mega'];
    assert.ok(sqsMega);
    const dir = await project('framework-only', [sqsMega]);
    const native = findFiles(
      join(dir, 'node_modules'),
      (name) => name === 'binding.gyp' || name.endsWith('.node'),
    );
    assert.deepEqual(native, []);
    const tree = await ok('npm', ['ls', '--all', '--parseable'], dir);
    assert.doesNotMatch(tree.stdout, /better-sqlite3|node-gyp|prebuild-install/);
    assert.match(tree.stdout, /node_modules\/sqs-mega$/m);
    const lib = await ok(
      'node',
      ['--input-type=module', '-e', "import('sqs-mega').then((m) => console.log(Object.keys(m).length))"],
      dir,
    );
    assert.ok(Number(lib.stdout.trim()) > 0);
  });
});

/** Paths under `dir` (recursively, following no symlinks) whose file name matches. */
function findFiles(dir: string, match: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(path, match));
    else if (match(entry.name)) found.push(path);
  }
  return found;
}
