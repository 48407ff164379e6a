import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import * as jsonSdk from '@aws-sdk/client-sqs';
import { startBroker } from 'sqs-mega-broker';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';
import * as querySdk from 'sqs-query-client';
import { AWS, clientEnv, PYTHON, run, skipClients } from './fixtures/clients.js';

const KEY = 'AKIAMEGATEST';
const SECRET = 'mega/secret+key';

/** A raw HTTP request with exactly the headers given (fetch would add or refuse some). */
function raw(url: string, headers: Record<string, string>, body = '') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('authentication (--credentials)', () => {
  let broker: TestBroker;
  const clientConfig = (accessKeyId = KEY, secretAccessKey = SECRET) => ({
    endpoint: broker.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  before(async () => {
    broker = await startTestBroker({ credentials: { [KEY]: SECRET } });
  });
  after(() => broker.stop());

  it('real clients with the right key work over JSON 1.0 (SQS), Query (SQS) and Query (SNS)', async () => {
    const json = new jsonSdk.SQSClient(clientConfig());
    const { QueueUrl } = await json.send(new jsonSdk.CreateQueueCommand({ QueueName: 'signed' }));
    await json.send(new jsonSdk.SendMessageCommand({ QueueUrl, MessageBody: 'signed body' }));
    const query = new querySdk.SQSClient(clientConfig());
    const { Messages } = await query.send(new querySdk.ReceiveMessageCommand({ QueueUrl }));
    assert.equal(Messages?.[0]?.Body, 'signed body');
    const sns = new SNSClient(clientConfig());
    assert.ok(Array.isArray((await sns.send(new ListTopicsCommand({}))).Topics));
    for (const c of [json, query, sns]) c.destroy();
  });

  it('an unknown key is InvalidClientTokenId, a wrong secret SignatureDoesNotMatch (403)', async () => {
    const unknown = new jsonSdk.SQSClient(clientConfig('AKIAUNKNOWN', SECRET));
    await assert.rejects(
      unknown.send(new jsonSdk.ListQueuesCommand({})),
      (e: Error & { $metadata: { httpStatusCode: number } }) => {
        assert.equal(e.name, 'InvalidClientTokenId');
        assert.equal(e.$metadata.httpStatusCode, 403);
        return true;
      },
    );
    const wrong = new querySdk.SQSClient(clientConfig(KEY, 'not-the-secret'));
    await assert.rejects(wrong.send(new querySdk.ListQueuesCommand({})), { name: 'SignatureDoesNotMatch' });
    unknown.destroy();
    wrong.destroy();
  });

  it('an unsigned request is MissingAuthenticationToken on both protocols; /health stays open', async () => {
    const json = await raw(
      broker.url,
      { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
      '{}',
    );
    assert.equal(json.status, 403);
    assert.match(json.body, /MissingAuthenticationToken/);
    const query = await raw(
      broker.url,
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Action=ListQueues&Version=2012-11-05',
    );
    assert.equal(query.status, 403);
    assert.match(query.body, /<Code>MissingAuthenticationToken<\/Code>/);
    assert.equal((await fetch(`${broker.url}/health`)).status, 200);
  });

  it('boto3 and the AWS CLI with the right key work; with a wrong one they fail', {
    skip: skipClients,
  }, async () => {
    const env = clientEnv({ AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET });
    const script = `import boto3,sys\nsqs=boto3.client('sqs',endpoint_url=sys.argv[1],region_name='us-east-1')\nprint(sqs.create_queue(QueueName='py-signed')['QueueUrl'])`;
    const py = await run(PYTHON, ['-c', script, broker.url], env);
    assert.equal(py.code, 0, py.stderr);
    assert.match(py.stdout, /py-signed/);
    const cli = await run(AWS, ['--endpoint-url', broker.url, 'sqs', 'list-queues', '--output', 'json'], env);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /py-signed/);
    const bad = await run(
      AWS,
      ['--endpoint-url', broker.url, 'sqs', 'list-queues'],
      clientEnv({ AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: 'x' }),
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /SignatureDoesNotMatch/);
  });
});

describe('browsers are not clients', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.stop());
  const listQueues = (headers: Record<string, string>) =>
    raw(
      broker.url,
      { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0', ...headers },
      '{}',
    );

  it('a request from a page on another site is refused (Origin, Sec-Fetch-Site)', async () => {
    assert.equal((await listQueues({})).status, 200);
    const origin = await listQueues({ origin: 'https://evil.example' });
    assert.equal(origin.status, 403);
    assert.match(origin.body, /AccessDenied/);
    assert.equal((await listQueues({ 'sec-fetch-site': 'cross-site' })).status, 403);
    const form = await raw(
      broker.url,
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      'Action=CreateQueue&QueueName=pwned',
    );
    assert.equal(form.status, 403);
    assert.match(form.body, /<Code>AccessDenied<\/Code>/);
  });

  it('a foreign Host header (DNS rebinding) is refused', async () => {
    const res = await listQueues({ host: `rebind.attacker.example:${broker.port}` });
    assert.equal(res.status, 403);
    assert.match(res.body, /--allow-host/);
  });
});

describe('binding', () => {
  it('refuses a non-loopback address without credentials, and says why', async () => {
    await assert.rejects(
      startBroker({ host: '0.0.0.0', port: 0, inMemory: true }),
      /without credentials.*--credentials/s,
    );
  });

  it('binds a non-loopback address with credentials, or with insecure', async () => {
    const a = await startTestBroker({ host: '0.0.0.0', credentials: { [KEY]: SECRET } });
    await a.stop();
    const b = await startTestBroker({ host: '0.0.0.0', insecure: true });
    await b.stop();
  });
});
