// The ceiling: a node:http server speaking SQS JSON 1.0 through the broker's own wire codec and MD5
// code, with the store replaced by canned answers. What the broker would do with a free store.
// Run as a child process by bench/broker.ts; prints `listening on http://HOST:PORT`. With `--raw` it
// serves through the broker's raw HTTP/1.1 front (packages/broker/src/http/raw-front.ts) instead of
// node:http: how far below node:http's own cost that front goes (`bench:ab --base=ceiling-raw`).
import { randomUUID } from 'node:crypto';
import { createServer, Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { createRawFront } from '../../packages/broker/src/http/raw-front.js';
import { createLogger } from '../../packages/broker/src/logger.js';
import { md5OfBody } from '../../packages/broker/src/sqs/md5.js';
import { BodyBudget } from '../../packages/broker/src/wire/body-budget.js';
import {
  decodeJsonInput,
  encodeJsonOutput,
  parseTarget,
  type WireResponse,
} from '../../packages/broker/src/wire/json.js';

type Input = Record<string, unknown>;
const CANNED_BODY = '0123456789abcdef'.repeat(64);
const CANNED_HANDLES = Array.from({ length: 10 }, (_, i) =>
  Buffer.from(`1:${1000 + i}:0123456789abcdef`).toString('base64url'),
);

const entriesOf = (input: Input): Input[] => (Array.isArray(input.Entries) ? (input.Entries as Input[]) : []);
const sent = (body: unknown) => ({ MessageId: randomUUID(), MD5OfMessageBody: md5OfBody(String(body)) });

/** Canned answers, computing what costs per message on the real broker: the MD5s and message ids. */
const actions: Record<string, (input: Input) => object> = {
  CreateQueue: (input) => ({ QueueUrl: `http://127.0.0.1/000000000000/${String(input.QueueName)}` }),
  DeleteQueue: () => ({}),
  ListQueues: () => ({ QueueUrls: [] }),
  GetQueueAttributes: () => ({ Attributes: { ApproximateNumberOfMessages: '0' } }),
  SendMessage: (input) => sent(input.MessageBody),
  SendMessageBatch: (input) => ({
    Successful: entriesOf(input).map((e) => ({ Id: e.Id, ...sent(e.MessageBody) })),
    Failed: [],
  }),
  ReceiveMessage: (input) => ({
    Messages: CANNED_HANDLES.slice(0, Number(input.MaxNumberOfMessages ?? 1)).map((handle) => ({
      MessageId: randomUUID(),
      ReceiptHandle: handle,
      MD5OfBody: md5OfBody(CANNED_BODY),
      Body: CANNED_BODY,
    })),
  }),
  DeleteMessageBatch: (input) => ({ Successful: entriesOf(input).map((e) => ({ Id: e.Id })), Failed: [] }),
};

function answer(target: string, body: Buffer): WireResponse {
  const action = actions[parseTarget(target).action];
  const input = decodeJsonInput(body);
  if (!action || !input) return { status: 400, headers: {}, body: '{"__type":"UnknownOperationException"}' };
  return encodeJsonOutput(action(input), randomUUID());
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const target = req.headers['x-amz-target'];
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    const response = answer(typeof target === 'string' ? target : '', body);
    res.writeHead(response.status, {
      ...response.headers,
      'content-length': Buffer.byteLength(response.body),
    });
    res.end(response.body);
  });
}

/** The same answers through the raw front, with the broker's default limits. */
function rawServer() {
  const front = createRawFront(
    {
      route: async (request) => {
        const target = request.headers['x-amz-target'];
        return answer(typeof target === 'string' ? target : '', request.body);
      },
      maxBody: 16 * 1024 * 1024,
      budget: new BodyBudget(32 * 1024 * 1024),
      logger: createLogger('warn'),
      logRequests: false,
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 60_000,
    },
    (socket) => socket.destroy(), // the bench sends nothing the raw front leaves to node:http
  );
  return createTcpServer((socket) => socket.once('data', (first: Buffer) => front.accept(socket, first)));
}

const server = process.argv.includes('--raw') ? rawServer() : createServer(handle);
if (server instanceof HttpServer) server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { address, port } = server.address() as AddressInfo;
  console.log(`ceiling listening on http://${address}:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
