import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import {
  createMegaEvent,
  DEAD_LETTER_REASON_ATTRIBUTE,
  DEAD_LETTER_SOURCE_ATTRIBUTE,
  encodePayload,
  Listener,
  ProcessStatus,
  SqsPublisher,
} from 'sqs-mega';
import {
  queueCounts,
  receiveAll,
  startTestBroker,
  type TestBroker,
  waitForEvents,
} from '../src/testing/index.js';
import { CLI, mega } from './support/cli.js';

describe('mega CLI against the broker', () => {
  let broker: TestBroker;
  let at: string[];
  let dir: string;
  before(async () => {
    broker = await startTestBroker();
    at = ['--endpoint', broker.url];
    dir = mkdtempSync(join(tmpdir(), 'mega-cli-'));
  });
  after(async () => {
    await broker.stop();
  });

  it('--help works on every command', async () => {
    const commands = [
      'serve',
      'apply',
      'queues',
      'send',
      'tail',
      'purge',
      'redrive',
      'topics',
      'publish',
      'subscribe',
    ];
    const root = await mega(['--help']);
    assert.equal(root.code, 0);
    for (const command of commands) assert.match(root.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    const runs = await Promise.all(commands.map((command) => mega([command, '--help'])));
    runs.forEach((run, i) => {
      assert.equal(run.code, 0, commands[i]);
      assert.match(run.stdout, new RegExp(`^Usage: mega ${commands[i]} `), commands[i]);
    });
    assert.match(runs[0]?.stdout ?? '', /--sns-allow-hosts/); // serve's flags are all still there
  });

  it('serve --engine logged runs the durable broker on the logged engine; another engine is a usage error', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mega-cli-engine-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        CLI,
        'serve',
        '--data-dir',
        dataDir,
        '--port',
        '0',
        '--engine',
        'logged',
      ],
      { env: { ...process.env, MEGA_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    const url = await waitUntil(() => /listening on (http:\/\/\S+)/.exec(out)?.[1]);
    assert.match(out, /logged engine/);
    const health = (await (await fetch(`${url}/health`)).json()) as { store: string };
    assert.equal(health.store, 'logged');
    const bad = await mega(['serve', '--engine', 'lmdb', '--port', '0']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /Allowed choices are sqlite, logged/);
  });

  it('usage errors exit 2: a bad flag, a missing argument, a bad value', async () => {
    const runs = await Promise.all([
      mega(['queues', '--bogus', ...at]),
      mega(['send', ...at]),
      mega(['send', 'q', 'body', '--delay', 'soon', ...at]),
      mega(['send', 'q', ...at]),
      mega(['subscribe', 't', 'q', '--filter-policy', '{"a":[]}', ...at]),
    ]);
    for (const run of runs) assert.equal(run.code, 2, run.stderr);
    assert.match(runs[0]?.stderr ?? '', /unknown option '--bogus'/);
    assert.match(runs[4]?.stderr ?? '', /Empty arrays are not allowed/);
  });

  it('an unknown queue exits 1 with the AWS error code', async () => {
    const runs = await Promise.all([
      mega(['purge', 'nope', ...at]),
      mega(['send', 'nope', 'x', ...at]),
      mega(['tail', 'nope', '--idle', '1', ...at]),
    ]);
    for (const run of runs) {
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^error: QueueDoesNotExist \(AWS\.SimpleQueueService\.NonExistentQueue\): /);
    }
    const topic = await mega(['publish', 'no-topic', 'x', ...at]);
    assert.equal(topic.code, 1);
    assert.match(topic.stderr, /NotFound/);
  });

  it('apply prints the plan, applies it, is idempotent, supports --dry-run and --json, and refuses conflicts', async () => {
    const file = join(dir, 'topology.json');
    writeFileSync(
      file,
      JSON.stringify({
        queues: [
          { name: 'orders', deadLetter: { queue: 'orders-dlq', maxReceiveCount: 1 } },
          { name: 'orders-dlq' },
        ],
        topics: [{ name: 'events' }],
        subscriptions: [{ topic: 'events', queue: 'orders', filterPolicy: { type: ['invoice'] } }],
      }),
    );
    const dry = await mega(['apply', file, '--dry-run', ...at]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^\+ create queue orders-dlq\n\+ create queue orders\n/);
    assert.match(dry.stdout, /dry run: nothing changed/);
    const applied = await mega(['apply', file, ...at]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /5 to create, 0 to update, 0 unchanged, 0 conflicting\napplied\n$/);
    const again = await mega(['apply', file, '--json', ...at]);
    const json = JSON.parse(again.stdout);
    assert.equal(json.changed, false);
    assert.deepEqual(
      json.steps.map((s: { action: string }) => s.action),
      ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged'],
    );
    const module = join(dir, 'topology.mjs');
    writeFileSync(
      module,
      `export default { queues: [{ name: 'orders', attributes: { VisibilityTimeout: 45 } }] };\n`,
    );
    const update = await mega(['apply', module, ...at]);
    assert.match(update.stdout, /^~ update queue orders\n {4}VisibilityTimeout: 30 → 45\n/);

    await broker.sqsClient.send(
      new (await import('@aws-sdk/client-sqs')).SetQueueAttributesCommand({
        QueueUrl: (await broker.sqsClient.send(new GetQueueUrlCommand({ QueueName: 'orders-dlq' }))).QueueUrl,
        Attributes: { RedriveAllowPolicy: '{"redrivePermission":"denyAll"}' },
      }),
    );
    const conflict = join(dir, 'conflict.json');
    writeFileSync(
      conflict,
      JSON.stringify({
        queues: [
          { name: 'orders-dlq' },
          { name: 'other', deadLetter: { queue: 'orders-dlq', maxReceiveCount: 2 } },
        ],
      }),
    );
    const refused = await mega(['apply', conflict, ...at]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^! conflict queue other\n/);
    assert.match(refused.stderr, /1 conflict\(s\) with existing resources: nothing was changed/);
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ subscriptions: [{ topic: 'x', queue: 'y' }] }));
    const bad = await mega(['apply', invalid, ...at]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /subscriptions\[0\]\.topic must be the name of a declared topic/);
  });

  it('send, queues, tail (peek then release, or --delete; MEGA events pretty-printed), purge', async () => {
    const event = createMegaEvent({ name: 'order.placed', subject: '42', attributes: { total: 10 } });
    const sent = await mega([
      'send',
      'orders',
      JSON.stringify(event),
      '--attribute',
      'kind=order',
      '--attribute',
      'n:Number=3',
      '--json',
      ...at,
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(JSON.parse(sent.stdout).messageId, /^[0-9a-f-]{36}$/);
    const fromFile = join(dir, 'body.txt');
    writeFileSync(fromFile, 'plain words');
    assert.equal((await mega(['send', 'orders', '--file', fromFile, ...at])).code, 0);
    assert.equal((await mega(['send', 'orders', '--file', '-', ...at], 'from stdin')).code, 0);

    const list = await mega(['queues', ...at]);
    assert.match(list.stdout, /^NAME\s+VISIBLE\s+IN-FLIGHT\s+DELAYED\n/);
    assert.match(list.stdout, /^orders\s+3\s+0\s+0$/m);
    const listed = JSON.parse((await mega(['queues', 'orders', '--json', ...at])).stdout);
    assert.deepEqual(
      listed.map((q: { name: string; visible: number }) => [q.name, q.visible]),
      [
        ['orders', 3],
        ['orders-dlq', 0],
      ],
    );

    const peek = await mega(['tail', 'orders', '--count', '3', ...at]);
    assert.equal(peek.code, 0, peek.stderr);
    assert.match(peek.stdout, /^order\.placed 42 /m);
    assert.match(peek.stdout, /"protocol": "mega"/);
    assert.match(peek.stdout, /attributes: kind="order" n=3/);
    assert.match(peek.stdout, /^ {2}plain words$/m);
    assert.match(peek.stdout, /^ {2}from stdin$/m);
    // Released: still there, visible (the queue's maxReceiveCount is 1, so use the counts only).
    const url = (await broker.sqsClient.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl;
    const counts = await broker.sqsClient.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    assert.equal(counts.Attributes?.ApproximateNumberOfMessages, '3');

    await broker.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: (await broker.sqsClient.send(new GetQueueUrlCommand({ QueueName: 'orders-dlq' }))).QueueUrl,
        ...toSend(encodePayload({ a: 1 })),
      }),
    );
    const drained = await mega(['tail', 'orders-dlq', '--delete', '--json', '--idle', '1', ...at]);
    assert.equal(drained.code, 0, drained.stderr);
    const lines = drained.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.kind, l.data]),
      [['data', { a: 1 }]],
    );
    const empty = await mega(['tail', 'orders-dlq', '--idle', '1', ...at]);
    assert.equal(empty.code, 0);
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /no messages/);

    const purged = await mega(['purge', 'orders', ...at]);
    assert.equal(purged.code, 0);
    assert.equal(purged.stdout, 'purged orders\n');
  });

  it('topics, subscribe, publish and tail of an SNS envelope (unwrapped)', async () => {
    const created = await new SNSClient(broker.clientConfig).send(
      new (await import('@aws-sdk/client-sns')).CreateTopicCommand({ Name: 'alerts' }),
    );
    assert.ok(created.TopicArn);
    await mega(['apply', join(dir, 'topology.json'), ...at]); // make sure the queues exist
    const sub = await mega([
      'subscribe',
      'alerts',
      'orders-dlq',
      '--filter-policy',
      '{"level":["high"]}',
      '--json',
      ...at,
    ]);
    assert.equal(sub.code, 0, sub.stderr);
    assert.match(JSON.parse(sub.stdout).subscriptionArn, /^arn:aws:sns:us-east-1:000000000000:alerts:/);
    const topics = await mega(['topics', ...at]);
    assert.match(topics.stdout, /^alerts\s+1\s+0\s+arn:aws:sns:us-east-1:000000000000:alerts$/m);
    const topicsJson = JSON.parse((await mega(['topics', '--json', ...at])).stdout);
    assert.deepEqual(
      topicsJson.map((t: { name: string }) => t.name),
      ['alerts', 'events'],
    );
    assert.equal((await mega(['publish', 'alerts', 'low one', '--attribute', 'level=low', ...at])).code, 0);
    const published = await mega([
      'publish',
      created.TopicArn,
      'disk full',
      '--attribute',
      'level=high',
      '--subject',
      'ops',
      ...at,
    ]);
    assert.equal(published.code, 0, published.stderr);
    const tail = await mega(['tail', 'orders-dlq', '--delete', '--idle', '1', ...at]);
    assert.match(tail.stdout, / via alerts\n/);
    assert.match(tail.stdout, /^ {2}disk full$/m);
    assert.doesNotMatch(tail.stdout, /low one/);
    // what came through the topic shows its Subject and the publisher's attributes (filter-policy debugging)
    assert.match(tail.stdout, /^ {2}subject: "ops"$/m);
    assert.match(tail.stdout, /^ {2}topic attributes: level="high"$/m);
    await mega([
      'publish',
      'alerts',
      'again',
      '--attribute',
      'level=high',
      '--attribute',
      'n:Number=2',
      '--subject',
      'a b',
      ...at,
    ]);
    const json = await mega(['tail', 'orders-dlq', '--delete', '--json', '--idle', '1', ...at]);
    const line = JSON.parse(json.stdout.trim());
    assert.equal(line.subject, 'a b');
    assert.deepEqual(line.topicAttributes, { level: 'high', n: '2' });
    assert.equal(line.text, 'again');
  });

  it('redrive moves the messages of a dead-letter queue back to their source, with --json output', async () => {
    const dlqUrl = (await broker.sqsClient.send(new GetQueueUrlCommand({ QueueName: 'orders-dlq' })))
      .QueueUrl;
    const ordersUrl = (await broker.sqsClient.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl;
    // maxReceiveCount is 1: the second receive moves the message to the dead-letter queue.
    await mega(['send', 'orders', 'poison', ...at]);
    await mega(['tail', 'orders', '--count', '1', ...at]);
    await mega(['tail', 'orders', '--idle', '1', ...at]);
    const before = await broker.sqsClient.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    assert.equal(before.Attributes?.ApproximateNumberOfMessages, '1');
    const run = await mega(['redrive', 'orders-dlq', ...at]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\[#{30}\] 1\/1 COMPLETED\nmoved 1 message\(s\) out of orders-dlq\n$/);
    const moved = await broker.sqsClient.send(
      new GetQueueAttributesCommand({ QueueUrl: ordersUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    assert.equal(moved.Attributes?.ApproximateNumberOfMessages, '1');
    const json = JSON.parse((await mega(['redrive', 'orders-dlq', '--json', ...at])).stdout);
    assert.equal(json.status, 'COMPLETED');
    assert.equal(json.moved, 0);
    const notDlq = await mega(['redrive', 'orders', ...at]);
    assert.equal(notDlq.code, 1);
    assert.match(notDlq.stderr, /^error: \w+/);
  });
});

describe("mega CLI on a newcomer's machine", () => {
  let broker: TestBroker;
  let at: string[];
  let dir: string;
  before(async () => {
    broker = await startTestBroker({ queues: ['inbox'] });
    at = ['--endpoint', broker.url];
    dir = mkdtempSync(join(tmpdir(), 'mega-cli-'));
  });
  after(() => broker.stop());

  it('prints no AWS SDK Node-version warning on stderr (the CLI silences it)', async () => {
    const runs = await Promise.all([mega(['queues', ...at]), mega(['send', 'inbox', 'x', ...at])]);
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /NodeVersionSupportWarning|AWS SDK for JavaScript/);
    }
    // a user who asks for it still gets it (the variable is only defaulted)
    if (Number(process.versions.node.split('.')[0]) < 22) {
      const shown = await mega(['queues', ...at], undefined, {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false',
      });
      assert.match(shown.stderr, /NodeVersionSupportWarning/);
    }
  });

  it('with no broker at the endpoint, says so, names the URL and how to start one', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const run = await mega(['queues', '--endpoint', url]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^error: no broker answers at ${url} \\(connect ECONNREFUSED`));
    assert.ok(run.stderr.includes(`start the broker with \`mega serve --port ${port}\``), run.stderr);
  });

  it('option values out of the range SQS accepts are usage errors (exit 2), before any request', async () => {
    const runs = await Promise.all([
      mega(['send', 'inbox', 'x', '--delay', '901', ...at]),
      mega(['tail', 'inbox', '--visibility', '43201', ...at]),
      mega(['tail', 'inbox', '--count', '0', ...at]),
      mega(['redrive', 'inbox', '--rate', '0', ...at]),
      mega(['redrive', 'inbox', '--rate', '501', ...at]),
      mega(['send', 'inbox', '--file', join(dir, 'missing.txt'), ...at]),
      mega(['serve', '--in-memory', '--port', '0', '--credentials-file', join(dir, 'missing.keys')]),
    ]);
    for (const run of runs) assert.equal(run.code, 2, run.stderr);
    assert.match(
      runs[0]?.stderr ?? '',
      /--delay <seconds>' argument '901' is invalid\. must be an integer from 0 to 900/,
    );
    assert.match(runs[3]?.stderr ?? '', /must be an integer from 1 to 500/);
    assert.match(runs[5]?.stderr ?? '', /^error: --file .*missing\.txt: ENOENT/);
    assert.match(runs[6]?.stderr ?? '', /^error: --credentials-file .*missing\.keys: ENOENT/);
  });

  it('serve --verbose logs one line per request: action, queue, status and ms', async (t) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CLI, 'serve', '--in-memory', '--port', '0', '--verbose'],
      { env: { ...process.env, MEGA_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    const url = await waitUntil(() => /listening on (http:\/\/\S+)/.exec(out)?.[1]);
    const sqs = new SQSClient({ ...broker.clientConfig, endpoint: url });
    t.after(() => sqs.destroy());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'logged' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    const lines = await waitUntil(() => {
      const parsed = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { action?: string; queue?: string; status?: number; ms?: number });
      return parsed.filter((l) => l.action === 'GetQueueUrl').length > 0 ? parsed : undefined;
    });
    const send = lines.find((l) => l.action === 'SendMessage');
    assert.equal(send?.queue, QueueUrl);
    assert.equal(send?.status, 200);
    assert.equal(typeof send?.ms, 'number');
    const missing = lines.find((l) => l.action === 'GetQueueUrl');
    assert.equal(missing?.queue, 'nope');
    assert.equal(missing?.status, 400);
    assert.ok(lines.some((l) => l.action === 'CreateQueue' && l.queue === 'logged'));
  });

  it("a body over the broker's --max-body-bytes gets the 413 RequestEntityTooLarge, not write EPIPE", async (t) => {
    const small = await startTestBroker({ maxBodyBytes: 1024 * 1024, queues: ['big'] });
    t.after(() => small.stop());
    const file = join(dir, 'big.txt');
    writeFileSync(file, 'x'.repeat(20 * 1024 * 1024));
    const run = await mega(['send', 'big', '--file', file, '--endpoint', small.url]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^error: RequestEntityTooLarge: The request body is larger than the broker's limit of 1048576 bytes/,
    );
    assert.doesNotMatch(run.stderr, /EPIPE|ECONNRESET/);
  });
});

describe('mega redrive of a dead-letter queue a listener fills itself', () => {
  let broker: TestBroker;
  let at: string[];
  before(async () => {
    broker = await startTestBroker({ queues: ['work', 'work-dlq', 'stray-dlq'] });
    at = ['--endpoint', broker.url];
  });
  after(() => broker.stop());

  it('moves each message back to the queue its listener recorded, without the dead-letter attributes', async () => {
    const work = broker.queues.work?.url as string;
    const dlq = broker.queues['work-dlq']?.url as string;
    const listener = new Listener({
      client: broker.sqsClient,
      queueUrl: work,
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 1,
    });
    listener.subscribe({ event: { name: 'job.failed' } }, () => ProcessStatus.FATAL_ERROR).start();
    const deadLettered = waitForEvents(listener, 'dead-lettered', 2);
    const publisher = new SqsPublisher({ client: broker.sqsClient, queueUrl: work });
    await publisher.publishEvent({ name: 'job.failed', subject: 'a' });
    await publisher.publishEvent({ name: 'job.failed', subject: 'b' });
    await deadLettered;
    await listener.stop();
    const copies = await receiveAll(broker.sqsClient, dlq);
    assert.equal(copies.length, 2);
    for (const copy of copies) {
      assert.equal(copy.MessageAttributes?.[DEAD_LETTER_SOURCE_ATTRIBUTE]?.StringValue, work);
      await broker.sqsClient.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: dlq,
          ReceiptHandle: copy.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }

    // SQS's own API keeps SQS's rule: no RedrivePolicy names work-dlq
    await assert.rejects(
      broker.sqsClient.send(new StartMessageMoveTaskCommand({ SourceArn: broker.queues['work-dlq']?.arn })),
      /Source queue must be configured as a Dead Letter Queue/,
    );
    const run = await mega(['redrive', 'work-dlq', ...at]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\[#{30}\] 2\/2 COMPLETED\nmoved 2 message\(s\) out of work-dlq\n$/);
    const back = await receiveAll(broker.sqsClient, work);
    assert.deepEqual(back.map((m) => JSON.parse(m.Body ?? '{}').event.subject).sort(), ['a', 'b']);
    for (const m of back) {
      assert.equal(m.MessageAttributes?.[DEAD_LETTER_SOURCE_ATTRIBUTE], undefined);
      assert.equal(m.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE], undefined);
    }
    assert.equal((await queueCounts(broker.sqsClient, dlq)).visible, 0);
  });

  it('a message that names no source is left in place, and the run says to give --to (exit 1)', async () => {
    const stray = broker.queues['stray-dlq']?.url as string;
    await broker.sqsClient.send(new SendMessageCommand({ QueueUrl: stray, MessageBody: 'from nowhere' }));
    const run = await mega(['redrive', 'stray-dlq', '--json', ...at]);
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(run.stdout).status, 'FAILED');
    assert.match(run.stderr, /has no mega-dead-letter-source attribute .*give --to <queue>/);
    assert.equal((await queueCounts(broker.sqsClient, stray)).visible, 1);
    const to = await mega(['redrive', 'stray-dlq', '--to', 'work', ...at]);
    assert.equal(to.code, 0, to.stderr);
    assert.match(to.stdout, /moved 1 message\(s\) out of stray-dlq/);
  });
});

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntil<T>(check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function toSend(encoded: ReturnType<typeof encodePayload>) {
  return { MessageBody: encoded.body, MessageAttributes: encoded.messageAttributes };
}
