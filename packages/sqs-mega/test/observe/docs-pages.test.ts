import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Runs every ```ts block (not ```ts fragment) of the observability pages as a program, as the
// docs convention asks: each must start what it needs, assert, stop, and exit 0.
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const pages = ['idempotency.md', 'typed-events.md', 'metrics.md', 'tracing.md'];

for (const page of pages) {
  const text = readFileSync(join(root, 'docs', page), 'utf8');
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  test(`docs/${page}: ${blocks.length} runnable example(s) run and pass`, () => {
    assert.ok(blocks.length > 0);
    // Inside the repository, so the workspace packages and dev dependencies resolve.
    const dir = mkdtempSync(join(root, 'packages/sqs-mega/test/observe/.docs-'));
    try {
      blocks.forEach((code, i) => {
        const file = join(dir, `example-${i}.ts`);
        writeFileSync(file, code);
        const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        });
        assert.equal(run.status, 0, `example ${i + 1} of docs/${page} failed:\n${run.stderr}\n${run.stdout}`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
