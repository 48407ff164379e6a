// The real boto3 of Debian (python3-boto3: boto3 1.26 / botocore 1.29, which speaks the Query/XML
// protocol to SQS) against a broker started in this process. The Python side is
// fixtures/boto3_sqs.py: it runs every step, recording a result or the error of each, and prints one
// JSON object that these tests assert on, one step per test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Broker, startBroker } from 'sqs-mega-broker';
import { clientEnv, docExample, PYTHON, requireClient, run, skipClients } from './fixtures/clients.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/boto3_sqs.py', import.meta.url));
const PREFIX = 'boto';
const TRICKY = `a&b <c> "d" 'e' \r\n\tf ü € 😀 ]]> &amp;`;

type Json = Record<string, unknown>;

describe('boto3 (Debian python3-boto3, Query protocol) against the broker', { skip: skipClients }, () => {
  let broker: Broker;
  let results: Json;
  let base: string;

  before(async () => {
    await requireClient('Debian python3 with boto3', 'python3-boto3', [PYTHON, '-c', 'import boto3']);
    broker = await startBroker({ port: 0, inMemory: true });
    base = `${broker.url}/000000000000`;
    const out = await run(PYTHON, [SCRIPT, broker.url, PREFIX], clientEnv());
    assert.equal(out.code, 0, `boto3_sqs.py exited ${out.code}:\n${out.stderr}`);
    results = JSON.parse(out.stdout) as Json;
  });

  after(async () => {
    await broker?.stop();
  });

  /** The result of one step of the script; fails with the step's error (and traceback) if it raised. */
  function step<T = Json>(name: string): T {
    const result = results[name] as Json | undefined;
    assert.ok(result !== undefined, `step ${name} did not run`);
    if (result !== null && typeof result === 'object' && 'error' in result)
      assert.fail(`step ${name} raised: ${result.error}\n${result.traceback ?? ''}`);
    return result as T;
  }

  it('is the Query protocol client', () => {
    assert.equal(results.protocol, 'query');
    const versions = results.versions as Json;
    assert.match(String(versions.botocore), /^1\./);
  });

  it('CreateQueue with attributes and tags; the same call again is idempotent', () => {
    const r = step<{ url: string; again: string; attributes: Json }>('createQueue');
    assert.equal(r.url, `${base}/${PREFIX}-main`);
    assert.equal(r.again, r.url);
    assert.equal(r.attributes.VisibilityTimeout, '45');
    assert.equal(r.attributes.MaximumMessageSize, '2048');
    assert.equal(r.attributes.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${PREFIX}-main`);
    assert.equal(r.attributes.ApproximateNumberOfMessages, '0');
    assert.match(String(r.attributes.CreatedTimestamp), /^\d{10}$/);
  });

  it('GetQueueUrl and ListQueues (with and without matches)', () => {
    assert.equal(step<string>('getQueueUrl'), `${base}/${PREFIX}-main`);
    const list = step<{ prefixed: string[]; none: string[] }>('listQueues');
    assert.deepEqual([...list.prefixed].sort(), [`${base}/${PREFIX}-main`, `${base}/${PREFIX}-other`]);
    assert.deepEqual(list.none, []);
  });

  it('SendMessage with String, Number, custom Number.int and Binary attributes: both MD5s match', () => {
    const r = step<{
      response: Json;
      expectedMD5OfMessageBody: string;
      expectedMD5OfMessageAttributes: string;
    }>('sendMessage');
    assert.match(String(r.response.MessageId), /^[0-9a-f-]{36}$/);
    assert.equal(r.response.MD5OfMessageBody, r.expectedMD5OfMessageBody);
    assert.equal(r.response.MD5OfMessageAttributes, r.expectedMD5OfMessageAttributes);
  });

  it('SendMessageBatch: every entry succeeds with the right MD5s', () => {
    const r = step<{
      response: { Successful: Json[]; Failed?: Json[] };
      expected: Record<string, { MD5OfMessageBody: string; MD5OfMessageAttributes: string | null }>;
    }>('sendMessageBatch');
    assert.deepEqual(r.response.Failed ?? [], []);
    assert.deepEqual(r.response.Successful.map((e) => e.Id).sort(), ['one', 'three', 'two']);
    for (const entry of r.response.Successful) {
      const want = r.expected[String(entry.Id)];
      assert.ok(want);
      assert.equal(entry.MD5OfMessageBody, want.MD5OfMessageBody, `MD5OfMessageBody of ${entry.Id}`);
      assert.equal(entry.MD5OfMessageAttributes, want.MD5OfMessageAttributes ?? undefined);
    }
  });

  it('ReceiveMessage (All / All): bodies, system attributes, message attributes and MD5s', () => {
    const r =
      step<{ message: Json; expectedMD5OfBody: string; expectedMD5OfMessageAttributes: string | null }[]>(
        'receiveMessage',
      );
    assert.deepEqual(
      r.map((m) => m.message.Body).sort(),
      [TRICKY, 'batch one', 'batch three', 'batch two'].sort(),
    );
    for (const { message, expectedMD5OfBody, expectedMD5OfMessageAttributes } of r) {
      assert.equal(message.MD5OfBody, expectedMD5OfBody);
      assert.equal(message.MD5OfMessageAttributes, expectedMD5OfMessageAttributes ?? undefined);
      const attrs = message.Attributes as Json;
      assert.equal(attrs.ApproximateReceiveCount, '1');
      assert.equal(attrs.SenderId, 'test');
      assert.match(String(attrs.SentTimestamp), /^\d{13}$/);
      assert.match(String(attrs.ApproximateFirstReceiveTimestamp), /^\d{13}$/);
      assert.equal(typeof message.ReceiptHandle, 'string');
    }
    const first = r.find((m) => m.message.Body === TRICKY)?.message;
    assert.deepEqual(first?.MessageAttributes, {
      s: { DataType: 'String', StringValue: TRICKY },
      n: { DataType: 'Number', StringValue: '-12.50' },
      custom: { DataType: 'Number.int', StringValue: '7' },
      b: { DataType: 'Binary', BinaryValue: { base64: Buffer.of(0, 1, 0xfe, 0xff).toString('base64') } },
    });
  });

  it('ChangeMessageVisibility to 0 makes the message receivable again (receive count 2)', () => {
    const again = step<Json[]>('changeMessageVisibility');
    assert.equal(again.length, 1);
    assert.equal(again[0]?.Body, TRICKY);
    assert.equal((again[0]?.Attributes as Json | undefined)?.ApproximateReceiveCount, '2');
  });

  it('DeleteMessage removes the message from the in-flight count', () => {
    const r = step<{ deleted: number; before: Json; after: Json }>('deleteMessage');
    assert.equal(r.deleted, 1);
    assert.equal(
      Number(r.after.ApproximateNumberOfMessagesNotVisible),
      Number(r.before.ApproximateNumberOfMessagesNotVisible) - 1,
    );
    assert.equal(r.after.ApproximateNumberOfMessagesNotVisible, '3');
  });

  it('SetQueueAttributes then GetQueueAttributes with a name list', () => {
    assert.deepEqual(step('setQueueAttributes'), {
      VisibilityTimeout: '10',
      ReceiveMessageWaitTimeSeconds: '1',
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${PREFIX}-main`,
    });
  });

  it('TagQueue, UntagQueue and ListQueueTags (including tags given at creation)', () => {
    assert.deepEqual(step('tags'), {
      initial: { team: 'a&b', env: 'test' },
      tagged: { team: 'a&b', env: 'prod', owner: 'me <you>' },
      untagged: { env: 'prod' },
    });
  });

  it('PurgeQueue empties the queue', () => {
    assert.deepEqual(step('purgeQueue'), {
      before: { ApproximateNumberOfMessages: '1' },
      after: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' },
      received: 0,
    });
  });

  it('takes the region of ARNs from the SigV4 credential scope', () => {
    assert.equal(step<string>('region'), `arn:aws:sqs:eu-west-1:000000000000:${PREFIX}-eu`);
  });

  it('DeleteQueue: the queue is gone (GetQueueUrl raises QueueDoesNotExist)', () => {
    assert.deepEqual(step('deleteQueue'), {
      stillThere: false,
      code: 'AWS.SimpleQueueService.NonExistentQueue',
    });
  });

  it('a non-existent queue is a ClientError AWS.SimpleQueueService.NonExistentQueue, modeled as QueueDoesNotExist', () => {
    const r = step<Json>('nonExistentQueue');
    assert.equal(r.raised, true);
    assert.equal(r.code, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(r.type, 'Sender');
    assert.equal(r.status, 400);
    assert.equal(r.modeled, true, 'botocore maps the code to sqs.exceptions.QueueDoesNotExist');
  });

  it('an invalid attribute value is a ClientError InvalidAttributeValue', () => {
    assert.deepEqual(step('invalidAttribute'), { raised: true, code: 'InvalidAttributeValue', status: 400 });
  });

  it('the boto3 example of docs/clients.md runs as written', async () => {
    const code = docExample('python', 'boto3.client', broker.url);
    const out = await run(PYTHON, ['-c', code], clientEnv());
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'hello greeting\nAWS.SimpleQueueService.NonExistentQueue\n');
  });
});
