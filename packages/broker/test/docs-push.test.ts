import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// Runs the runnable ```ts blocks (not ```ts fragment) of the push-worker, SNS HTTP and Lambda pages,
// each as its own program, until the project-wide docs-examples test covers every page.
const root = new URL('../../../', import.meta.url);
const pages = ['docs/push-worker.md', 'docs/sns-http.md', 'docs/lambda.md'];

function run(file: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', file],
      { timeout: 60_000, env: { ...process.env, MEGA_LOG_LEVEL: 'silent', NODE_NO_WARNINGS: '1' } },
      (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
}

for (const page of pages) {
  describe(page, () => {
    const text = readFileSync(new URL(page, root), 'utf8');
    const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    it('has runnable examples', () => assert.ok(blocks.length > 0));
    blocks.forEach((code, i) => {
      it(`example ${i + 1} runs to its end`, async () => {
        const file = fileURLToPath(
          new URL(`.docs-push-${page.replace(/\W/g, '-')}-${i}.ts`, import.meta.url),
        );
        writeFileSync(file, code);
        try {
          const { code: status, stderr } = await run(file);
          assert.equal(status, 0, stderr);
        } finally {
          rmSync(file, { force: true });
        }
      });
    });
  });
}
