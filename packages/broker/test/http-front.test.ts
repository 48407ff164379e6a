// The raw HTTP/1.1 front (src/http/raw-front.ts): what it parses must be what node:http parses, however
// the bytes are split; what it does not parse goes to node:http on the same connection; garbage never
// throws out of the socket handler.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, createServer as createTcpServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';
import { createRawFront, type RawFront } from '../src/http/raw-front.js';
import { createLogger } from '../src/logger.js';
import { BodyBudget } from '../src/wire/body-budget.js';
import type { WireRequest } from '../src/wire/router.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const MiB = 1024 * 1024;

/**
 * Sends `pieces` one write at a time (a pause between, so that they arrive as separate reads); resolves
 * with all that came back once `until` holds or the server closes. With `settleMs`, resolves with what
 * came back after that long instead of failing.
 */
function exchange(
  port: number,
  pieces: Buffer[],
  until: (text: string) => boolean,
  settleMs?: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      if (settleMs !== undefined) resolve(text);
      else reject(new Error(`no complete answer: ${JSON.stringify(text.slice(0, 300))}`));
    }, settleMs ?? 10_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (until(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((r) => setTimeout(r, 1));
      }
    });
  });
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** A node:http server that records what it parsed. */
async function nodeReference(): Promise<{ port: number; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('latin1'),
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => server.close(),
  };
}

/** The raw front alone on a port, recording what it parsed, and whether it fell back to node:http. */
async function rawReference(): Promise<{
  port: number;
  seen: Seen[];
  fallbacks: number;
  front: RawFront;
  close(): void;
}> {
  const state = { seen: [] as Seen[], fallbacks: 0 };
  const front = createRawFront(
    {
      route: async (request: WireRequest) => {
        state.seen.push({
          method: request.method,
          url: (request as WireRequest & { url: string }).url,
          headers: { ...request.headers },
          body: request.body.toString('latin1'),
        });
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
      },
      maxBody: MiB,
      budget: new BodyBudget(8 * MiB),
      logger: createLogger('silent'),
      logRequests: false,
      headersTimeout: 5000,
      requestTimeout: 10_000,
      keepAliveTimeout: 60_000,
    },
    (socket) => {
      state.fallbacks++;
      socket.destroy();
    },
  );
  const server: Server = createTcpServer((socket) =>
    socket.once('data', (first: Buffer) => front.accept(socket, first)),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    get seen() {
      return state.seen;
    },
    get fallbacks() {
      return state.fallbacks;
    },
    front,
    close: () => {
      front.closeAll();
      front.stop();
      server.close();
    },
  };
}

// requests AWS clients could send: common header names in random case, duplicates, a body
const token = fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/);
const headerName = fc.oneof(
  fc.constantFrom(
    'X-Amz-Target',
    'Content-Type',
    'User-Agent',
    'Accept',
    'X-Amz-Date',
    'Cookie',
    'Set-Cookie',
  ),
  token.map((t) => `X-${t}`),
);
const caseMix = (name: string, seed: number) =>
  [...name].map((c, i) => ((seed >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,40}[\x21-\x7e])?$/);
const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'),
  path: fc.stringMatching(/^\/[A-Za-z0-9/_.-]{0,30}$/),
  query: fc.option(fc.stringMatching(/^[A-Za-z0-9=&%._-]{1,40}$/), { nil: undefined }),
  headers: fc.array(fc.tuple(headerName, fc.nat(), headerValue, fc.constantFrom('', ' ', '  ', '\t')), {
    maxLength: 8,
  }),
  body: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
});
type Req = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function serialize(r: Req): Buffer {
  let head = `${r.method} ${r.path}${r.query ? `?${r.query}` : ''} HTTP/1.1\r\nHost: localhost\r\n`;
  for (const [name, seed, value, ows] of r.headers) head += `${caseMix(name, seed)}:${ows}${value}${ows}\r\n`;
  const body = r.body ? Buffer.from(r.body) : Buffer.alloc(0);
  if (r.body) head += `Content-Length: ${body.length}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}

/** Splits `stream` at the given cut points (positions modulo its length). */
function split(stream: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of [...at, stream.length]) {
    if (cut > from) pieces.push(stream.subarray(from, cut));
    from = cut;
  }
  return pieces;
}

describe('raw HTTP front: parsing', () => {
  let node: Awaited<ReturnType<typeof nodeReference>>;
  let raw: Awaited<ReturnType<typeof rawReference>>;
  before(async () => {
    node = await nodeReference();
    raw = await rawReference();
  });
  after(() => {
    node.close();
    raw.close();
  });

  it('parses pipelined requests, however split across reads, exactly as node:http does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(requestArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (requests, cuts) => {
          const stream = Buffer.concat(requests.map(serialize));
          const answers = (text: string) => count(text, 'HTTP/1.1 200') === requests.length;
          node.seen.length = 0;
          raw.seen.length = 0;
          await exchange(node.port, [stream], answers);
          const fromRaw = await exchange(raw.port, split(stream, cuts), answers);
          assert.equal(raw.fallbacks, 0);
          assert.deepEqual(raw.seen, node.seen);
          // HEAD answers carry no body; the others carry `ok`
          const heads = requests.filter((r) => r.method === 'HEAD').length;
          assert.equal(count(fromRaw, '\r\n\r\nok'), requests.length - heads);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hands what it does not parse to the fallback: chunked, Expect, Upgrade, HTTP/1.0, odd bytes, heads over 16 KiB', async () => {
    const odd = [
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx',
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      'GET / HTTP/1.0\r\nHost: a\r\n\r\n',
      'GET / HTTP/1.1\r\nHost : a\r\n\r\n',
      'GET / HTTP/1.1\r\n Folded: a\r\n\r\n',
      'GET / HTTP/1.1\nHost: a\n\n',
      'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx',
      'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n',
      'BREW / HTTP/1.1\r\nHost: a\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
    ];
    raw.seen.length = 0;
    for (const [i, text] of odd.entries()) {
      const before = raw.fallbacks;
      await exchange(raw.port, [Buffer.from(text, 'latin1')], () => false, 2000);
      assert.equal(
        raw.fallbacks,
        before + 1,
        `not handed over: ${JSON.stringify(text.slice(0, 80))} (#${i})`,
      );
    }
    assert.equal(raw.seen.length, 0);
  });

  it('a stream of random bytes never throws out of the socket handler', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 400 }),
          // a valid request with a few bytes changed
          fc
            .tuple(
              requestArb,
              fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
            )
            .map(([r, edits]) => {
              const bytes = Buffer.from(serialize(r));
              for (const [at, value] of edits) bytes[at % bytes.length] = value;
              return new Uint8Array(bytes);
            }),
        ),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (bytes, cuts) => {
          await exchange(raw.port, split(Buffer.from(bytes), cuts), () => false, 30);
        },
      ),
      { numRuns: 80, interruptAfterTimeLimit: 30_000 },
    );
  });
});

describe('raw HTTP front in the broker', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ queues: ['front'] });
  });
  after(() => broker.stop());
  const port = () => Number(new URL(broker.url).port);

  it('answers pipelined requests in order, one write with each answer whole', async () => {
    const list = '{}';
    const one = (id: string) =>
      `POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nX-Trace: ${id}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: ${list.length}\r\n\r\n${list}`;
    const text = await exchange(
      port(),
      [Buffer.from(`${one('a')}GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n${one('b')}`)],
      (t) => count(t, 'HTTP/1.1 200 OK') === 3 && t.trimEnd().endsWith('}'),
    );
    const bodies = text.split(/HTTP\/1\.1 200 OK\r\n/).slice(1);
    assert.match(bodies[0] as string, /QueueUrls/);
    assert.match(bodies[1] as string, /"status":"ok"/);
    assert.match(bodies[2] as string, /QueueUrls/);
    for (const answer of bodies) {
      assert.match(answer, /\r\nConnection: keep-alive\r\n/i);
      assert.match(answer, /\r\nDate: \w{3}, /);
      assert.match(
        answer,
        /x-amzn-requestid: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\r\n|"status"/,
      );
    }
  });

  it('HEAD gets the head alone; Connection: close gets an answer and the connection closed', async () => {
    const head = await exchange(
      port(),
      [Buffer.from('HEAD /health HTTP/1.1\r\nHost: localhost\r\n\r\n')],
      (t) => t.includes('\r\n\r\n'),
    );
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /Content-Length: [1-9]\d*\r\n\r\n$/);
    const closed = await new Promise<string>((resolve, reject) => {
      const socket = connect(port(), '127.0.0.1');
      let text = '';
      socket.on('data', (c: Buffer) => {
        text += c.toString();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    assert.match(closed, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(closed, /\r\nConnection: close\r\n/);
    assert.match(closed, /"status":"ok"/);
  });

  it('what it hands to node:http is answered there with every byte: Expect 100-continue, chunked, HTTP/1.0, 431, 400', async () => {
    const expect = await exchange(
      port(),
      [
        Buffer.from(
          'POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Type: application/x-amz-json-1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}',
        ),
      ],
      (t) => t.includes('QueueUrls'),
    );
    assert.match(expect, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    // a raw-front request, then a chunked one on the same connection: both answered, in order
    const chunked = await exchange(
      port(),
      [
        Buffer.from(
          'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\nPOST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Type: application/x-amz-json-1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
        ),
      ],
      (t) => t.includes('QueueUrls'),
    );
    assert.match(chunked, /^HTTP\/1\.1 200 OK[\s\S]*"status":"ok"[\s\S]*HTTP\/1\.1 200 OK[\s\S]*QueueUrls/);
    const http10 = await exchange(
      port(),
      [Buffer.from('GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n')],
      (t) => t.includes('"status"'),
    );
    assert.match(http10, /^HTTP\/1\.1 200 OK/);
    const big = await exchange(
      port(),
      [Buffer.from(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`)],
      (t) => t.includes('\r\n\r\n'),
    );
    assert.match(big, /^HTTP\/1\.1 431 /);
    const bad = await exchange(port(), [Buffer.from('GET / HTTP/1.1\r\nHost : localhost\r\n\r\n')], (t) =>
      t.includes('\r\n\r\n'),
    );
    assert.match(bad, /^HTTP\/1\.1 400 /);
  });

  it('random bytes at the broker never crash it, and it keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        async (bytes, cuts) => {
          // 0x16 would be a TLS handshake, which the HTTPS server answers
          await exchange(port(), split(Buffer.from(bytes), cuts), () => false, 30);
        },
      ),
      { numRuns: 40, interruptAfterTimeLimit: 20_000 },
    );
    const health = await exchange(
      port(),
      [Buffer.from('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n')],
      (t) => t.includes('"status"'),
    );
    assert.match(health, /^HTTP\/1\.1 200 OK/);
  });
});

describe('raw HTTP front limits', () => {
  it('a body that does not arrive within requestTimeoutMs gets a 408 and the connection is closed', async () => {
    const broker = await startTestBroker({ headersTimeoutMs: 400, requestTimeoutMs: 800 });
    try {
      const started = Date.now();
      const text = await exchange(
        Number(new URL(broker.url).port),
        [
          Buffer.from(
            'POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 100\r\n\r\n{"',
          ),
        ],
        () => false,
        5000,
      );
      assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      const took = Date.now() - started;
      assert.ok(took >= 700 && took < 4000, `closed after ${took} ms`);
    } finally {
      await broker.stop();
    }
  });

  it('stop() closes an idle keep-alive connection at once', async () => {
    const broker = await startTestBroker({});
    const port = Number(new URL(broker.url).port);
    const idle = connect(port, '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));
    idle.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await new Promise((r) => idle.once('data', r));
    const idleClosed = new Promise((r) => idle.once('close', r));
    const started = Date.now();
    await broker.stop();
    await idleClosed;
    assert.ok(Date.now() - started < 1500, `stop took ${Date.now() - started} ms`);
  });
});
