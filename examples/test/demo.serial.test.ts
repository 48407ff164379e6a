// The demo behind `npm start`, timed: it must answer on its root URL within 5 s of starting. Files
// named *.serial.test.ts run after all others, alone, so that this wall-clock budget measures the
// demo and not the test files that would otherwise share the machine's two cores with it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

describe('the demo (npm start)', () => {
  it('starts the durable broker and the examples, answers on its root URL within 5 s, and stops cleanly on Ctrl-C', async () => {
    // the dashboard's assets, as `npm start` builds them before starting
    const build = spawnSync(process.execPath, [
      fileURLToPath(new URL('../../packages/broker/scripts/build-dashboard.mjs', import.meta.url)),
    ]);
    assert.equal(build.status, 0, String(build.stderr));
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-demo-'));
    const main = fileURLToPath(new URL('../demo/main.ts', import.meta.url));
    const started = Date.now();
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
      env: { ...process.env, MEGA_PORT: '0', MEGA_DATA_DIR: dataDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const waitFor = async (re: RegExp, ms: number) => {
        const end = Date.now() + ms;
        while (!re.test(out)) {
          if (Date.now() > end) assert.fail(`no ${re} in:\n${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return re.exec(out) as RegExpExecArray;
      };
      const url = (await waitFor(/dashboard: (http:\/\/\S+?)\/ /, 15_000))[1] as string;
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      const answeredMs = Date.now() - started;
      console.log(`demo: root URL answered ${answeredMs} ms after start`);
      assert.ok(answeredMs < 5_000, `answered after ${answeredMs} ms`);
      await waitFor(/done\s+email/, 15_000);
      await waitFor(/done\s+carts/, 15_000);
      child.kill('SIGINT');
      assert.equal(await exited, 0, out);
      assert.match(out, /stopped cleanly/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
