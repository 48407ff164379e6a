// Every ```ts block of README.md, packages/*/README.md and docs/*.md is a program: this test
// type-checks them all (one strict tsc run) and executes each (tsx, 90 s timeout) against the real
// broker; a doc example that drifts from the API fails here. A block tagged ```ts fragment is
// skipped on purpose (a piece that cannot run alone). New pages are picked up as they are added.
//
// Blocks that address a broker at http://127.0.0.1:9324 (as a reader would run them next to
// `npx mega serve`) get the URL of a broker this test starts on a free port instead.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Broker, startBroker } from 'sqs-mega-broker';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS_ENDPOINT = 'http://127.0.0.1:9324';
const TIMEOUT_MS = 90_000;

/** A ```ts block of a page: where it is, its code, and whether it is a fragment. */
interface Block {
  page: string;
  line: number;
  code: string;
  fragment: boolean;
}

/** The documentation pages: the README, each package's README, every docs/*.md. */
function pages(): string[] {
  const packages = readdirSync(join(ROOT, 'packages'))
    .map((name) => join('packages', name, 'README.md'))
    .filter((page) => existsSync(join(ROOT, page)));
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', ...packages, ...docs].sort();
}

/** The ```ts blocks of a page (info string `ts`, optionally followed by words such as `fragment`). */
function tsBlocks(page: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```ts(?:\s+(.*))?$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    blocks.push({
      page,
      line: start + 1,
      code: lines.slice(start, end).join('\n'),
      fragment: (open[1] ?? '').split(/\s+/).includes('fragment'),
    });
    i = end;
  }
  return blocks;
}

/** Runs a program; resolves with its exit code (or the signal that ended it) and output. */
function run(file: string, args: string[], cwd: string, timeoutMs: number) {
  return new Promise<{ code: number | string; output: string }>((resolve) => {
    execFile(
      file,
      args,
      {
        cwd,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        env: {
          ...process.env,
          MEGA_LOG_LEVEL: 'silent',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : (error.signal ?? 'error')) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

const blocks = pages().flatMap((page) => tsBlocks(page, readFileSync(join(ROOT, page), 'utf8')));
const runnable = blocks.filter((b) => !b.fragment);
const fileOf = (b: Block) => `${b.page.replace(/[/.]/g, '_')}_${b.line}.ts`;

describe('docs examples: every ```ts block type-checks and runs', { timeout: 900_000 }, () => {
  let dir: string;
  let broker: Broker;
  let typeErrors = '';

  before(async () => {
    broker = await startBroker({ port: 0, inMemory: true });
    // A project of its own whose node_modules is the repo's: the blocks import the published
    // entry points (resolved to the workspace packages' sources with the "source" condition).
    dir = mkdtempSync(join(tmpdir(), 'mega-docs-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    mkdirSync(join(dir, 'blocks'));
    for (const b of runnable)
      writeFileSync(
        join(dir, 'blocks', fileOf(b)),
        `${b.code.replaceAll(DOCS_ENDPOINT, broker.url)}\nexport {};\n`,
      );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.base.json'),
        compilerOptions: { noEmit: true, customConditions: ['source'], types: ['node'] },
        include: ['blocks'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await run(
      process.execPath,
      [tsc, '-p', 'tsconfig.json', '--pretty', 'false'],
      dir,
      180_000,
    );
    typeErrors = checked.code === 0 ? '' : checked.output;
  });

  after(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the pages and their blocks (README, packages/*/README.md, docs/*.md)', () => {
    const seen = new Set(blocks.map((b) => b.page));
    for (const page of [
      'README.md',
      'packages/broker/README.md',
      'packages/sqs-mega/README.md',
      'docs/testing.md',
    ])
      assert.ok(seen.has(page), `no \`\`\`ts block found in ${page}`);
    assert.ok(runnable.length > 0);
  });

  for (const b of runnable) {
    it(`${b.page}:${b.line} type-checks and runs`, async () => {
      const file = fileOf(b);
      const mine = typeErrors
        .split('\n')
        .filter((l) => l.includes(file))
        .map((l) => l.replace(`blocks/${file}(`, `${b.page}:(block line `));
      assert.deepEqual(mine, [], `type errors in the block at ${b.page}:${b.line}`);
      const r = await run(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', join('blocks', file)],
        dir,
        TIMEOUT_MS,
      );
      assert.equal(
        r.code,
        0,
        `the block at ${b.page}:${b.line} ${typeof r.code === 'string' ? `was killed (${r.code}, ${TIMEOUT_MS} ms: does it stop everything it starts?)` : `exited ${r.code}`}:\n${r.output}`,
      );
    });
  }

  it('the type-check found no error outside the blocks', () => {
    const stray = typeErrors
      .split('\n')
      .filter((l) => l.trim() && !runnable.some((b) => l.includes(fileOf(b))));
    assert.deepEqual(stray, []);
  });
});
