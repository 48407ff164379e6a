import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createQueue, queueCounts, startTestBroker, type TestBroker, waitFor } from 'sqs-mega-broker/testing';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Starts `mega <args>` as a child process; collects its output. */
function mega(args: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CLI, ...args],
    {
      env: {
        ...process.env,
        NODE_NO_WARNINGS: '1',
        MEGA_LOG_LEVEL: 'silent',
        AWS_ACCESS_KEY_ID: '',
        AWS_PROFILE: '',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      },
    },
  );
  const out = { stdout: '', stderr: '', code: undefined as number | null | undefined };
  child.stdout?.on('data', (d) => {
    out.stdout += d;
  });
  child.stderr?.on('data', (d) => {
    out.stderr += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      out.code = code;
      resolve(code);
    }),
  );
  return { child, out, exited };
}

describe('mega worker and mega lambda', () => {
  let broker: TestBroker;
  let server: Server;
  let origin: string;
  const posts: { path: string; body: string; msgid: string }[] = [];
  let dir: string;
  before(async () => {
    broker = await startTestBroker();
    dir = mkdtempSync(join(tmpdir(), 'mega-push-'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        posts.push({ path: req.url ?? '', body, msgid: String(req.headers['x-aws-sqsd-msgid']) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await broker.stop();
  });

  it('mega worker --queue NAME --post URL: POSTs messages with sqsd headers, deletes them, stops on SIGTERM with exit 0', async () => {
    const q = await createQueue(broker.sqsClient, 'cli-jobs');
    const { MessageId } = await broker.sqsClient.send(
      new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"job":1}' }),
    );
    const run = mega([
      'worker',
      '--endpoint',
      broker.url,
      '--queue',
      'cli-jobs',
      '--post',
      `${origin}/jobs`,
      '--json',
    ]);
    try {
      await waitFor(() => posts.some((p) => p.msgid === MessageId), { timeoutMs: 90_000 });
      await waitFor(() => run.out.stdout.includes('"event":"delivered"'), { timeoutMs: 30_000 });
      assert.equal(posts.find((p) => p.msgid === MessageId)?.path, '/jobs');
      await waitFor(async () => (await queueCounts(broker.sqsClient, q.url)).inFlight === 0);
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await run.exited, 0, run.out.stderr);
  });

  it('mega worker refuses a bad cron.yaml naming the field (exit 1)', async () => {
    const file = join(dir, 'cron.yaml');
    writeFileSync(file, 'version: 1\ncron:\n  - name: a\n    url: nope\n    schedule: "* * * * *"\n');
    const run = mega([
      'worker',
      '--endpoint',
      broker.url,
      '--queue',
      'cli-jobs',
      '--post',
      `${origin}/`,
      '--cron',
      file,
    ]);
    assert.notEqual(await run.exited, 0);
    assert.match(run.out.stderr, /cron\[0\]\.url: must start with \//);
  });

  it('mega lambda --handler FILE#EXPORT: invokes the handler with batches and deletes what succeeded', async () => {
    const q = await createQueue(broker.sqsClient, 'cli-fn');
    const seen = join(dir, 'seen.txt');
    const handler = join(dir, 'handler.mjs');
    writeFileSync(
      handler,
      `import { appendFileSync } from 'node:fs';\nexport async function main(event, context) {\n  for (const r of event.Records) appendFileSync(${JSON.stringify(seen)}, r.body + ' ' + r.eventSource + ' ' + context.functionName + '\\n');\n}\n`,
    );
    await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'hello' }));
    const run = mega([
      'lambda',
      '--endpoint',
      broker.url,
      '--queue',
      'cli-fn',
      '--handler',
      `${handler}#main`,
    ]);
    try {
      const { readFileSync, existsSync } = await import('node:fs');
      await waitFor(() => existsSync(seen) && readFileSync(seen, 'utf8') === 'hello aws:sqs handler\n', {
        timeoutMs: 90_000,
      });
      await waitFor(async () => {
        const c = await queueCounts(broker.sqsClient, q.url);
        return c.visible + c.inFlight === 0;
      });
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await run.exited, 0, run.out.stderr);
  });

  it('mega lambda with a handler that does not load or exports nothing callable: a startup error naming file and export (exit 2)', async () => {
    const missing = mega([
      'lambda',
      '--endpoint',
      broker.url,
      '--queue',
      'cli-fn',
      '--handler',
      './no-such-handler.js',
    ]);
    assert.equal(await missing.exited, 2);
    assert.match(missing.out.stderr, /cannot load handler module \.\/no-such-handler\.js/);
    const file = join(dir, 'values.mjs');
    writeFileSync(file, 'export const handler = 1;\n');
    const wrong = mega(['lambda', '--endpoint', broker.url, '--queue', 'cli-fn', '--handler', `${file}#run`]);
    assert.equal(await wrong.exited, 2);
    assert.match(wrong.out.stderr, /has no export named run \(callable exports: none\)/);
  });
});
