// The first five minutes of a newcomer: a fresh clone of HEAD (the committed state), the README's
// install command exactly as written, then the README's `npx mega` examples, asserting on what the
// user sees. It caught `npm install` leaving no `mega` bin (the bin pointed at a dist/ that `prepare`
// builds only after npm links bins). Serial: `npm install` of the whole workspace is heavy; it reuses
// the npm cache (--prefer-offline) and a local prebuild of better-sqlite3 (see localPrebuild), ~1 min.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from './fixtures/clients.js';
import { localPrebuild, npmEnv, serve } from './support/npm-project.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The commands of the README's ```sh blocks, one per line, comments and blanks dropped. */
function readmeCommands(): string[] {
  return [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((m) =>
    (m[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter(Boolean),
  );
}

/** Splits a simple shell command line (no quotes in the README's mega examples) into words. */
const words = (command: string) => command.split(/\s+/);

describe('newcomer: a fresh clone, the README install command, then its npx mega examples', {
  timeout: 600_000,
}, () => {
  let tmp: string;
  let clone: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mega-newcomer-'));
    clone = join(tmp, 'clone');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);
    env = {
      ...npmEnv(),
      ...localPrebuild(join(tmp, 'prebuilds')),
      MEGA_LOG_LEVEL: 'silent',
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      // npx never downloads a `mega` from the registry: a missing bin fails instead
      npm_config_yes: 'false',
    };
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the README says to install with `npm install`, which succeeds and links the `mega` bin', async () => {
    const install = readmeCommands().find((c) => c.startsWith('npm install'));
    assert.ok(install, 'the README has no `npm install ...` command');
    // `npm install && npm start`: the install part, as the user types it
    const command = words(install.split('&&')[0]?.trim() ?? '');
    assert.deepEqual(command, ['npm', 'install']);
    const r = await run(command[0] ?? 'npm', command.slice(1), env, { cwd: clone, timeoutMs: 480_000 });
    assert.equal(r.code, 0, `npm install failed:\n${r.stderr}\n${r.stdout}`);
    assert.doesNotMatch(r.stderr, /not yet covered by allowScripts/);
    assert.ok(
      existsSync(join(clone, 'node_modules/.bin/mega')),
      'npm install linked no node_modules/.bin/mega',
    );
  });

  it('`npx mega --version` prints the version; `npx mega serve --port 0 --in-memory` answers; `npx mega queues` lists queues', async () => {
    const { version } = JSON.parse(readFileSync(join(clone, 'packages/broker/package.json'), 'utf8')) as {
      version: string;
    };
    const v = await run('npx', ['mega', '--version'], env, { cwd: clone });
    assert.equal(v.code, 0, `npx mega --version:\n${v.stderr}`);
    assert.equal(v.stdout, `${version}\n`);

    const example = readmeCommands().find((c) => c.includes('--port 0'));
    assert.equal(example, 'npx mega serve --port 0 --in-memory', 'the README example changed');
    const server = await serve(clone, words(example).slice(3));
    try {
      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        status: string;
        store: string;
      };
      assert.deepEqual({ status: health.status, store: health.store }, { status: 'ok', store: 'memory' });
      const created = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
        body: JSON.stringify({ QueueName: 'orders' }),
      });
      assert.equal(created.status, 200);
      // docs/cli.md's commands, pointed at this broker by MEGA_ENDPOINT
      const cli = { ...env, MEGA_ENDPOINT: server.url };
      const sent = await run('npx', ['mega', 'send', 'orders', '{"hello":"world"}'], cli, { cwd: clone });
      assert.equal(sent.code, 0, `npx mega send:\n${sent.stderr}`);
      const queues = await run('npx', ['mega', 'queues'], cli, { cwd: clone });
      assert.equal(queues.code, 0, `npx mega queues:\n${queues.stderr}`);
      assert.match(queues.stdout, /^NAME\s+VISIBLE\s+IN-FLIGHT\s+DELAYED/m);
      assert.match(queues.stdout, /^orders\s+1\s+0\s+0\s*$/m);
    } finally {
      server.signal('SIGTERM');
    }
    await server.closed;
  });
});
