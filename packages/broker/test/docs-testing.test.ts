import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The first ```ts block of a docs page. */
function firstExample(page: string): string {
  const text = readFileSync(join(ROOT, page), 'utf8');
  const match = /^```ts\n([\s\S]*?)^```$/m.exec(text);
  assert.ok(match, `no ts block in ${page}`);
  return match[1] as string;
}

test("docs/testing.md's example ends its process when its assertion fails (it stops what it started in t.after)", async (t) => {
  const code = firstExample('docs/testing.md');
  assert.match(code, /\/\^fatal-error\//);
  // the same test, with an assertion that fails
  const failing = code.replace('/^fatal-error/', '/^not-the-reason/');
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'docs-testing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'example.test.ts');
  writeFileSync(file, failing);
  const started = Date.now();
  const { code: exit, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, MEGA_LOG_LEVEL: 'silent' };
    delete env.NODE_TEST_CONTEXT; // run as a program of its own, not as a file of this test run
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
      cwd: ROOT,
      env,
    });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  assert.equal(exit, 1, `the example did not exit by itself within 60 s:\n${output}`);
  assert.match(output, /not-the-reason/);
  assert.ok(Date.now() - started < 60_000);
});
