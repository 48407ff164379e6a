// The committed `mega` bin (bin/mega.js): it runs the built CLI, and says what to do when the build
// is missing instead of failing with a module-not-found stack.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from './fixtures/clients.js';

const BIN = fileURLToPath(new URL('../bin/mega.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('bin/mega.js, the mega launcher', () => {
  it('runs the built CLI: `mega -V` prints the package version', async () => {
    const r = await run(process.execPath, [BIN, '-V'], process.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${version}\n`);
  });

  it('without dist/cli.js, exits 1 and says to run `npm run build`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mega-bin-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(BIN, join(dir, 'bin', 'mega.js'));
      const r = await run(process.execPath, [join(dir, 'bin', 'mega.js'), 'queues'], process.env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^mega: the CLI is not built \(.*dist\/cli\.js is missing\)\./);
      assert.match(r.stderr, /run `npm run build`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
