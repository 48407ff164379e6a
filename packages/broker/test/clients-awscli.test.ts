// The real AWS CLI of Debian (awscli 2.9, Query/XML protocol for SQS) against a broker started in
// this process: one `aws sqs ...` process per step, JSON output parsed and asserted on. The AWS CLI
// does not verify SQS MD5s itself, so the tests compute them (documented algorithm, independent of
// the broker's code) and compare.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Broker, startBroker } from 'sqs-mega-broker';
import {
  AWS,
  clientEnv,
  docExample,
  type RunResult,
  requireClient,
  run,
  skipClients,
} from './fixtures/clients.js';

type Json = Record<string, unknown>;
interface Attribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

const TRICKY = `a&b <c> "d" 'e' \r\n\tf ü € 😀 ]]> &amp;`;
const ATTRIBUTES: Record<string, Attribute> = {
  s: { DataType: 'String', StringValue: TRICKY },
  n: { DataType: 'Number', StringValue: '-12.50' },
  b: { DataType: 'Binary', BinaryValue: Buffer.of(0, 1, 0xfe, 0xff).toString('base64') },
  custom: { DataType: 'String.json', StringValue: '{"k":[1,2]}' },
};

function md5(bytes: string | Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** SQS's MD5OfMessageAttributes: names sorted; length-prefixed name, type, transport byte, value. */
function md5OfAttributes(attributes: Record<string, Attribute>): string {
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  };
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name] as Attribute;
    parts.push(...prefixed(Buffer.from(name)), ...prefixed(Buffer.from(a.DataType)));
    if (a.DataType.startsWith('Binary'))
      parts.push(Buffer.of(2), ...prefixed(Buffer.from(a.BinaryValue ?? '', 'base64')));
    else parts.push(Buffer.of(1), ...prefixed(Buffer.from(a.StringValue ?? '')));
  }
  return md5(Buffer.concat(parts));
}

describe('AWS CLI (Debian awscli, Query protocol) against the broker', { skip: skipClients }, () => {
  let broker: Broker;
  let base: string;
  let queueUrl: string;
  const env = clientEnv();

  /** Runs `aws --endpoint-url <broker> sqs <args>`. */
  function sqs(...args: string[]): Promise<RunResult> {
    return run(AWS, ['--endpoint-url', broker.url, '--output', 'json', 'sqs', ...args], env);
  }

  /** Runs a command that must succeed; its JSON output (or {} when it prints nothing). */
  async function ok(...args: string[]): Promise<Json> {
    const r = await sqs(...args);
    assert.equal(r.code, 0, `aws sqs ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
    return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Json);
  }

  async function attributes(...names: string[]): Promise<Json> {
    const r = await ok('get-queue-attributes', '--queue-url', queueUrl, '--attribute-names', ...names);
    return r.Attributes as Json;
  }

  async function receive(): Promise<Json[]> {
    const r = await ok(
      'receive-message',
      '--queue-url',
      queueUrl,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
      '--max-number-of-messages',
      '10',
    );
    return (r.Messages as Json[] | undefined) ?? [];
  }

  before(async () => {
    await requireClient('Debian AWS CLI', 'awscli', [AWS, '--version']);
    broker = await startBroker({ port: 0, inMemory: true });
    base = `${broker.url}/000000000000`;
  });

  after(async () => {
    await broker?.stop();
  });

  it('create-queue with --attributes and --tags (shorthand syntax)', async () => {
    const r = await ok(
      'create-queue',
      '--queue-name',
      'cli-orders',
      '--attributes',
      'VisibilityTimeout=600,MaximumMessageSize=2048',
      '--tags',
      'team=payments,env=test',
    );
    queueUrl = String(r.QueueUrl);
    assert.equal(queueUrl, `${base}/cli-orders`);
    const all = await attributes('All');
    assert.equal(all.VisibilityTimeout, '600');
    assert.equal(all.MaximumMessageSize, '2048');
    assert.equal(all.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:cli-orders');
  });

  it('get-queue-url and list-queues', async () => {
    assert.deepEqual(await ok('get-queue-url', '--queue-name', 'cli-orders'), { QueueUrl: queueUrl });
    await ok('create-queue', '--queue-name', 'cli-other');
    const listed = await ok('list-queues', '--queue-name-prefix', 'cli-');
    assert.deepEqual((listed.QueueUrls as string[]).sort(), [`${base}/cli-orders`, `${base}/cli-other`]);
    assert.deepEqual(await ok('list-queues', '--queue-name-prefix', 'nothing-'), {});
  });

  it('send-message with String, Number, Binary and custom-typed attributes: both MD5s match', async () => {
    const r = await ok(
      'send-message',
      '--queue-url',
      queueUrl,
      '--message-body',
      TRICKY,
      '--message-attributes',
      JSON.stringify(ATTRIBUTES),
    );
    assert.match(String(r.MessageId), /^[0-9a-f-]{36}$/);
    assert.equal(r.MD5OfMessageBody, md5(TRICKY));
    assert.equal(r.MD5OfMessageAttributes, md5OfAttributes(ATTRIBUTES));
  });

  it('send-message-batch', async () => {
    const entries = [
      { Id: 'one', MessageBody: 'batch one' },
      {
        Id: 'two',
        MessageBody: 'batch two',
        MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
      },
    ];
    const r = await ok('send-message-batch', '--queue-url', queueUrl, '--entries', JSON.stringify(entries));
    assert.equal(r.Failed, undefined);
    const successful = r.Successful as Json[];
    assert.deepEqual(successful.map((e) => [e.Id, e.MD5OfMessageBody, e.MD5OfMessageAttributes]).sort(), [
      ['one', md5('batch one'), undefined],
      ['two', md5('batch two'), md5OfAttributes({ k: { DataType: 'String', StringValue: 'v' } })],
    ]);
  });

  let received: Json[] = [];

  it('receive-message --attribute-names All --message-attribute-names All', async () => {
    for (let i = 0; i < 5 && received.length < 3; i++) received.push(...(await receive()));
    assert.deepEqual(received.map((m) => m.Body).sort(), [TRICKY, 'batch one', 'batch two'].sort());
    for (const m of received) {
      assert.equal(m.MD5OfBody, md5(String(m.Body)));
      const system = m.Attributes as Json;
      assert.equal(system.ApproximateReceiveCount, '1');
      assert.equal(system.SenderId, 'test');
      assert.match(String(system.SentTimestamp), /^\d{13}$/);
      if (m.MessageAttributes !== undefined)
        assert.equal(
          m.MD5OfMessageAttributes,
          md5OfAttributes(m.MessageAttributes as Record<string, Attribute>),
        );
    }
    const first = received.find((m) => m.Body === TRICKY);
    assert.deepEqual(first?.MessageAttributes, ATTRIBUTES);
  });

  it('change-message-visibility to 0 makes a message receivable again', async () => {
    const first = received.find((m) => m.Body === TRICKY);
    assert.ok(first);
    await ok(
      'change-message-visibility',
      '--queue-url',
      queueUrl,
      '--receipt-handle',
      String(first.ReceiptHandle),
      '--visibility-timeout',
      '0',
    );
    const again = await receive();
    assert.deepEqual(
      again.map((m) => [m.Body, (m.Attributes as Json).ApproximateReceiveCount]),
      [[TRICKY, '2']],
    );
    received = again;
  });

  it('delete-message', async () => {
    const before = await attributes('ApproximateNumberOfMessagesNotVisible');
    assert.equal(before.ApproximateNumberOfMessagesNotVisible, '3');
    await ok(
      'delete-message',
      '--queue-url',
      queueUrl,
      '--receipt-handle',
      String(received[0]?.ReceiptHandle),
    );
    assert.deepEqual(await attributes('ApproximateNumberOfMessagesNotVisible'), {
      ApproximateNumberOfMessagesNotVisible: '2',
    });
  });

  it('set-queue-attributes and get-queue-attributes', async () => {
    await ok(
      'set-queue-attributes',
      '--queue-url',
      queueUrl,
      '--attributes',
      'VisibilityTimeout=10,DelaySeconds=2',
    );
    assert.deepEqual(await attributes('VisibilityTimeout', 'DelaySeconds'), {
      VisibilityTimeout: '10',
      DelaySeconds: '2',
    });
  });

  it('tag-queue, untag-queue and list-queue-tags', async () => {
    assert.deepEqual(await ok('list-queue-tags', '--queue-url', queueUrl), {
      Tags: { team: 'payments', env: 'test' },
    });
    await ok('tag-queue', '--queue-url', queueUrl, '--tags', 'owner=me,env=prod');
    await ok('untag-queue', '--queue-url', queueUrl, '--tag-keys', 'team', 'owner');
    assert.deepEqual(await ok('list-queue-tags', '--queue-url', queueUrl), { Tags: { env: 'prod' } });
  });

  it('purge-queue', async () => {
    await ok('purge-queue', '--queue-url', queueUrl);
    assert.deepEqual(
      await attributes('ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'),
      {
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
      },
    );
  });

  it('delete-queue', async () => {
    await ok('delete-queue', '--queue-url', queueUrl);
    const listed = await ok('list-queues', '--queue-name-prefix', 'cli-');
    assert.deepEqual(listed.QueueUrls, [`${base}/cli-other`]);
  });

  it('a non-existent queue: non-zero exit and AWS.SimpleQueueService.NonExistentQueue on stderr', async () => {
    const byName = await sqs('get-queue-url', '--queue-name', 'cli-orders');
    assert.equal(byName.code, 254);
    assert.equal(byName.stdout, '');
    assert.match(
      byName.stderr,
      /An error occurred \(AWS\.SimpleQueueService\.NonExistentQueue\) when calling the GetQueueUrl operation/,
    );
    const byUrl = await sqs('send-message', '--queue-url', `${base}/cli-missing`, '--message-body', 'x');
    assert.notEqual(byUrl.code, 0);
    assert.match(
      byUrl.stderr,
      /\(AWS\.SimpleQueueService\.NonExistentQueue\) when calling the SendMessage operation/,
    );
  });

  it('an invalid receipt handle: ReceiptHandleIsInvalid', async () => {
    const r = await sqs('delete-message', '--queue-url', `${base}/cli-other`, '--receipt-handle', 'bogus');
    assert.equal(r.code, 254);
    assert.match(r.stderr, /\(ReceiptHandleIsInvalid\) when calling the DeleteMessage operation/);
  });

  it('the AWS CLI example of docs/clients.md runs as written', async () => {
    // `aws` on PATH may be a pyenv shim: the example runs with Debian's.
    const script = docExample('sh', 'sqs create-queue', broker.url).replace(/^aws /gm, `${AWS} `);
    const out = await run('bash', ['-euo', 'pipefail', '-c', script], env);
    assert.equal(out.code, 0, out.stderr);
    const [created, sent, received] = out.stdout
      .split(/(?<=^\})\n/m)
      .filter((doc) => doc.trim() !== '')
      .map((doc) => JSON.parse(doc) as Json);
    assert.deepEqual(created, { QueueUrl: `${base}/orders` });
    assert.equal(sent?.MD5OfMessageBody, md5('hello'));
    const message = (received?.Messages as Json[] | undefined)?.[0];
    assert.equal(message?.Body, 'hello');
    assert.deepEqual(message?.MessageAttributes, { kind: { DataType: 'String', StringValue: 'greeting' } });
    queueUrl = `${base}/orders`;
    assert.deepEqual(await attributes('VisibilityTimeout'), { VisibilityTimeout: '45' });
  });
});
