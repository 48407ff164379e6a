import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';
import { md5OfMessageAttributes } from '../src/sqs/md5.js';
import type { Targets } from './support/fuzz-requests.js';
import { createTargets, runFuzz } from './support/fuzz-run.js';
import {
  assertJsonError,
  assertQueryError,
  jsonRequest,
  queryRequest,
  rawRequest,
} from './support/raw-http.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const COUNT = Number(process.env.FUZZ_COUNT ?? 3000);

describe(`fuzz: hostile requests over JSON 1.0 and Query, SQS and SNS (seed ${SEED}; FUZZ_SEED=${SEED} replays)`, () => {
  let broker: TestBroker;
  let targets: Targets;
  let dataDir: string;
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mega-fuzz-'));
    broker = await startTestBroker({ dataDir, maxBodyBytes: 4 * 1024 * 1024 });
    targets = await createTargets(broker.url);
  });
  after(async () => {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`every answer to ${COUNT} random malformed requests is 200 or a well-formed 4xx AWS error: no 5xx, no hang, no crash`, async () => {
    const report = await runFuzz(broker.url, targets, {
      count: COUNT,
      seed: SEED,
      concurrency: 16,
      timeoutMs: 15_000,
    });
    assert.equal(report.requests, COUNT);
    assert.deepEqual(report.failures, [], `${report.failureCount} unacceptable answers`);
    const errors = [...report.byCode].filter(([code]) => code !== '200').reduce((n, [, c]) => n + c, 0);
    assert.ok(errors > COUNT / 2, `most hostile requests are refused (${errors} errors)`);
    assert.ok((report.slowest[0]?.ms ?? 0) < 10_000, `slowest: ${JSON.stringify(report.slowest)}`);
    const health = await fetch(`${broker.url}/health`);
    assert.equal(health.status, 200, 'the broker still answers');
  });

  it('no prototype was polluted by __proto__ / constructor keys', () => {
    const probe: Record<string, unknown> = {};
    assert.equal(probe.polluted, undefined);
    assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoBefore);
  });
  // Resident memory is measured on a broker process of its own by the long run (bench/fuzz.ts).
});

describe('fuzz regressions', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.stop());

  it('a queue attribute named like an Object.prototype member (constructor, toString) is InvalidAttributeName, not a 500', async () => {
    const json = await rawRequest(
      broker.url,
      jsonRequest('CreateQueue', JSON.stringify({ QueueName: 'r1', Attributes: { constructor: '1' } })),
    );
    assert.match(assertJsonError(json, 400).type, /#InvalidAttributeName$/);
    const query = await rawRequest(
      broker.url,
      queryRequest(
        'Action=CreateQueue&Version=2012-11-05&QueueName=r1&Attribute.1.Name=toString&Attribute.1.Value=x',
      ),
    );
    assert.equal(assertQueryError(query, 400), 'InvalidAttributeName');
  });

  it('a message attribute named __proto__ is kept, returned and hashed like any other', async () => {
    const created = await rawRequest(broker.url, jsonRequest('CreateQueue', '{"QueueName":"r2"}'));
    const { QueueUrl } = JSON.parse(created.body) as { QueueUrl: string };
    const attributes =
      '{"__proto__":{"DataType":"String","StringValue":"v"},"b":{"DataType":"String","StringValue":"w"}}';
    const sent = await rawRequest(
      broker.url,
      jsonRequest(
        'SendMessage',
        `{"QueueUrl":${JSON.stringify(QueueUrl)},"MessageBody":"x","MessageAttributes":${attributes}}`,
      ),
    );
    assert.equal(sent.status, 200, sent.body);
    const expected = md5OfMessageAttributes(JSON.parse(attributes));
    assert.equal(
      (JSON.parse(sent.body) as { MD5OfMessageAttributes: string }).MD5OfMessageAttributes,
      expected,
    );
    const received = await rawRequest(
      broker.url,
      jsonRequest('ReceiveMessage', JSON.stringify({ QueueUrl, MessageAttributeNames: ['All'] })),
    );
    const [message] = (
      JSON.parse(received.body) as {
        Messages: Array<{ MessageAttributes: object; MD5OfMessageAttributes: string }>;
      }
    ).Messages;
    assert.deepEqual(Object.keys(message?.MessageAttributes ?? {}), ['__proto__', 'b']);
    assert.equal(message?.MD5OfMessageAttributes, expected);
  });
});
