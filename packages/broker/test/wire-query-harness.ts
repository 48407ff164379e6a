// Test harness for the Query codec: real Query-protocol clients (@aws-sdk/client-sqs@3.445.0 under
// the alias sqs-query-client, and @aws-sdk/client-sns) wired to a request handler that decodes the
// form body with our codec and answers with our XML.
import { createHash } from 'node:crypto';
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { HttpResponse } from '@smithy/protocol-http';
import { SQSClient, type SQSClientConfig } from 'sqs-query-client';
import { decodeQueryInput, encodeQueryError, encodeQueryOutput } from '../src/wire/query/index.js';

/** What the handler answers with: an action output, or an error. */
export type Reply =
  | { output?: Record<string, unknown> }
  | { error: { queryCode: string; fault: 'Sender' | 'Receiver'; message: string }; status: number };

/** One request as the codec saw it. */
export interface Seen {
  action: string;
  params: URLSearchParams;
  input: Record<string, unknown>;
  xml: string;
}

const common = {
  region: 'us-east-1',
  endpoint: 'http://localhost:9324',
  credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
  maxAttempts: 1,
};

/** A request handler that runs the codec, recording what it saw. */
function codecHandler(service: 'sqs' | 'sns') {
  let reply: Reply = {};
  const seen: Seen[] = [];
  const requestHandler = {
    handle: async (request: { body?: unknown }) => {
      const params = new URLSearchParams(String(request.body ?? ''));
      const action = params.get('Action') ?? '';
      const input = decodeQueryInput(service, action, params);
      const xml =
        'error' in reply
          ? encodeQueryError(service, reply.error, 'req-1')
          : encodeQueryOutput(service, action, reply.output, 'req-1');
      seen.push({ action, params, input, xml });
      const statusCode = 'error' in reply ? reply.status : 200;
      return {
        response: new HttpResponse({
          statusCode,
          headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1' },
          body: Buffer.from(xml, 'utf8'),
        }),
      };
    },
  };
  return {
    requestHandler,
    seen,
    /** Sets what the next requests are answered with. */
    answer(next: Reply) {
      reply = next;
    },
    /** The last request the codec decoded. */
    last(): Seen {
      const s = seen.at(-1);
      if (s === undefined) throw new Error('no request seen');
      return s;
    },
  };
}

/** A Query-protocol SQS client (3.445) whose requests are decoded and answered by the codec. */
export function queryClient() {
  const h = codecHandler('sqs');
  // The root @smithy/protocol-http may be newer than the one the 3.445 client was typed against.
  const requestHandler = h.requestHandler as unknown as SQSClientConfig['requestHandler'];
  return { ...h, client: new SQSClient({ ...common, requestHandler }) };
}

/** An SNS client whose requests are decoded and answered by the codec. */
export function snsClient() {
  const h = codecHandler('sns');
  const requestHandler = h.requestHandler as unknown as SNSClientConfig['requestHandler'];
  return { ...h, client: new SNSClient({ ...common, requestHandler }) };
}

/** Hex MD5 of a string's UTF-8 bytes. */
export const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** An SDK output without `$metadata`, for comparison with the JSON-shaped output. */
export function plain(output: object): Record<string, unknown> {
  const { $metadata: _, ...rest } = output as Record<string, unknown>;
  return rest;
}

/** Replaces Uint8Array values (as the SDK gives blobs) by base64 strings (as the JSON shape has them). */
export function blobsToBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(blobsToBase64);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blobsToBase64(v)]));
  }
  return value;
}
