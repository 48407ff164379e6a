import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';
import {
  assertJsonError,
  assertQueryError,
  closedWithin,
  jsonRequest,
  openSocket,
  type RawResponse,
  rawRequest,
} from './support/raw-http.js';

const MiB = 1024 * 1024;

/** Streams `total` bytes (announced or chunked) and resolves with the answer, however much was sent. */
function streamBody(
  url: string,
  headers: Record<string, string | number>,
  total: number,
): Promise<RawResponse & { sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          sent,
        });
      });
    });
    req.on('error', (e) => (sent < total ? undefined : reject(e)));
    const pump = () => {
      while (sent < total && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

describe('request limits', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({
      maxBodyBytes: 2 * MiB,
      maxConnections: 4,
      headersTimeoutMs: 400,
      requestTimeoutMs: 800,
    });
  });
  after(() => broker.stop());

  it('a 100 MB JSON body announced by Content-Length is refused with a JSON 413 before it is sent', async () => {
    const res = await streamBody(
      broker.url,
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.SendMessage',
        'content-length': 100 * MiB,
      },
      100 * MiB,
    );
    const error = assertJsonError(res, 413);
    assert.equal(error.type, 'com.amazonaws.sqs#RequestEntityTooLarge');
    assert.match(error.message, /limit of 2097152 bytes/);
    assert.ok(res.sent < 50 * MiB, `the broker answered after ${res.sent} bytes`);
  });

  it('an oversized chunked Query body is refused with an XML 413 once the limit is crossed', async () => {
    const res = await streamBody(
      broker.url,
      { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      100 * MiB,
    );
    assert.equal(assertQueryError(res, 413), 'RequestEntityTooLarge');
    assert.ok(res.sent < 50 * MiB, `the broker answered after ${res.sent} bytes`);
  });

  it('a body just under the limit is read and answered by the action', async () => {
    const body = JSON.stringify({
      QueueUrl: `${broker.url}/000000000000/none`,
      MessageBody: 'x'.repeat(MiB + 10),
    });
    const res = await rawRequest(broker.url, jsonRequest('SendMessage', body));
    assertJsonError(res, 400);
  });

  it('a connection that sends nothing, or its headers too slowly, is closed (slow loris)', async () => {
    const silent = await openSocket(broker.url);
    const trickle = await openSocket(broker.url);
    trickle.write('POST / HTTP/1.1\r\nHost: localhost\r\n');
    const timer = setInterval(() => trickle.writable && trickle.write('X-Slow: 1\r\n'), 100);
    try {
      // both timed from now, together: each is closed once the 400 ms headers timeout has passed
      const [silentMs, trickleMs] = await Promise.all([
        closedWithin(silent, 3000),
        closedWithin(trickle, 3000),
      ]);
      assert.ok(silentMs >= 300, `silent connection closed after ${silentMs} ms`);
      assert.ok(trickleMs >= 300, `trickling connection closed after ${trickleMs} ms`);
    } finally {
      clearInterval(timer);
    }
  });

  it('a long poll longer than the request timeout still gets its answer', async () => {
    const q = await rawRequest(
      broker.url,
      jsonRequest('CreateQueue', JSON.stringify({ QueueName: 'limits-poll' })),
    );
    const { QueueUrl } = JSON.parse(q.body) as { QueueUrl: string };
    const start = Date.now();
    const res = await rawRequest(
      broker.url,
      jsonRequest('ReceiveMessage', JSON.stringify({ QueueUrl, WaitTimeSeconds: 2 })),
    );
    assert.equal(res.status, 200, res.body);
    assert.ok(Date.now() - start >= 1900);
  });

  it('a connection over maxConnections gets a well-formed 503 and is closed; the others carry on', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => openSocket(broker.url)));
    for (const s of held) s.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    try {
      const json = await rawRequest(broker.url, jsonRequest('ListQueues', '{}'));
      const error = assertJsonError(json, 503);
      assert.match(error.message, /too many open connections \(limit 4\)/);
      const query = await rawRequest(broker.url, { path: '/?Action=ListQueues', method: 'GET' });
      assert.equal(assertQueryError(query, 503), 'ServiceUnavailable');
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 50));
    const ok = await rawRequest(broker.url, jsonRequest('ListQueues', '{}'));
    assert.equal(ok.status, 200);
  });
});

describe('memory held by request bodies', () => {
  it('past maxBufferedBytes (all connections together) a request is refused with a 503, and the budget comes back', async () => {
    const broker = await startTestBroker({ maxBodyBytes: 2 * MiB, maxBufferedBytes: MiB });
    try {
      const headers = {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.ListQueues',
      };
      // a first request holds 600 KiB and waits, unfinished
      const first = request(broker.url, { method: 'POST', headers, agent: false });
      const firstAnswer = new Promise<number>((resolve) =>
        first.on('response', (res) => resolve(res.statusCode ?? 0)),
      );
      first.on('error', () => {});
      first.write(Buffer.alloc(600 * 1024, 0x20));
      await new Promise((r) => setTimeout(r, 200));
      // a second one of 600 KiB would put 1.2 MiB in memory: refused, retryable
      const second = await streamBody(broker.url, headers, 600 * 1024);
      const refused = assertJsonError(second, 503);
      assert.match(refused.type, /ServiceUnavailable$/);
      assert.match(refused.message, /--max-buffered-bytes/);
      // the first finishes normally (its body is 600 KiB of spaces: not JSON, a 400 — not refused)
      first.end();
      assert.equal(await firstAnswer, 400);
      // and its bytes are given back: the same request now goes through
      const third = await streamBody(broker.url, headers, 600 * 1024);
      assert.notEqual(third.status, 503);
    } finally {
      await broker.stop();
    }
  });
});
