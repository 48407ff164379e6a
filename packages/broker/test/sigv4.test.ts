import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { ListQueuesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { SendMessageCommand as QuerySendMessageCommand, SQSClient as QuerySQSClient } from 'sqs-query-client';
import { type SignedRequest, verifySignature } from '../src/wire/sigv4.js';

const credentials = new Map([['AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY']]);
const good = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

interface Captured {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Runs a command through a real SDK client whose transport captures the signed request. */
async function capture(client: { send(c: unknown): Promise<unknown> }, command: unknown): Promise<Captured> {
  let captured: Captured | undefined;
  try {
    await client.send(command);
  } catch (error) {
    if (!captured) captured = (error as { captured?: Captured }).captured;
  }
  if (!captured) throw new Error('nothing captured');
  return captured;
}

function capturingHandler() {
  return {
    handle: async (request: Captured) => {
      const error = new Error('captured') as Error & { captured: Captured };
      error.captured = request;
      throw error;
    },
  };
}

function toSigned(r: Captured): SignedRequest {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(r.query ?? {}))
    for (const x of [v].flat()) if (x !== null) query.append(k, x);
  return {
    method: r.method,
    host: r.headers.host ?? '',
    path: r.path,
    query,
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(r.body ?? ''),
  };
}

const amzDateOf = (r: SignedRequest) => String(r.headers['x-amz-date']);
const timeOf = (amzDate: string) =>
  Date.UTC(
    +amzDate.slice(0, 4),
    +amzDate.slice(4, 6) - 1,
    +amzDate.slice(6, 8),
    +amzDate.slice(9, 11),
    +amzDate.slice(11, 13),
    +amzDate.slice(13, 15),
  );

async function signedJsonRequest(keys = good, region = 'eu-west-1') {
  const client = new SQSClient({
    endpoint: 'http://127.0.0.1:9324',
    region,
    credentials: keys,
    requestHandler: capturingHandler() as never,
    maxAttempts: 1,
  });
  const r = toSigned(
    await capture(
      client,
      new SendMessageCommand({ QueueUrl: 'http://127.0.0.1:9324/000000000000/q', MessageBody: 'hello' }),
    ),
  );
  return { r, now: timeOf(amzDateOf(r)) };
}

describe('SigV4 verification (with the official signer)', () => {
  it('accepts a JSON 1.0 request signed by @aws-sdk/client-sqs and reports key, region and service', async () => {
    const { r, now } = await signedJsonRequest();
    assert.deepEqual(await verifySignature(r, credentials, ['sqs'], now), {
      accessKeyId: 'AKIDEXAMPLE',
      region: 'eu-west-1',
      service: 'sqs',
    });
  });

  it('accepts a Query request signed by the 3.445 client', async () => {
    const client = new QuerySQSClient({
      endpoint: 'http://localhost:9324',
      region: 'us-east-1',
      credentials: good,
      requestHandler: capturingHandler() as never,
      maxAttempts: 1,
    });
    const r = toSigned(
      await capture(
        client,
        new QuerySendMessageCommand({
          QueueUrl: 'http://localhost:9324/000000000000/q',
          MessageBody: 'hi & <bye>',
        }),
      ),
    );
    assert.equal((await verifySignature(r, credentials, ['sqs'], timeOf(amzDateOf(r)))).region, 'us-east-1');
  });

  it('rejects an unknown access key with InvalidClientTokenId', async () => {
    const { r, now } = await signedJsonRequest({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' });
    await assert.rejects(verifySignature(r, credentials, ['sqs'], now), {
      name: 'InvalidClientTokenId',
      status: 403,
    });
  });

  it('rejects a wrong secret, a tampered body and a tampered header with SignatureDoesNotMatch', async () => {
    const wrong = await signedJsonRequest({ ...good, secretAccessKey: 'not-the-secret' });
    await assert.rejects(verifySignature(wrong.r, credentials, ['sqs'], wrong.now), {
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    const { r, now } = await signedJsonRequest();
    const tamperedBody = { ...r, body: Buffer.from(r.body.toString().replace('hello', 'hellO')) };
    await assert.rejects(verifySignature(tamperedBody, credentials, ['sqs'], now), {
      name: 'SignatureDoesNotMatch',
    });
    const tamperedHeader = { ...r, headers: { ...r.headers, 'x-amz-target': 'AmazonSQS.DeleteQueue' } };
    await assert.rejects(verifySignature(tamperedHeader, credentials, ['sqs'], now), {
      name: 'SignatureDoesNotMatch',
    });
    await assert.rejects(verifySignature({ ...r, host: 'evil.example:9324' }, credentials, ['sqs'], now), {
      name: 'SignatureDoesNotMatch',
    });
  });

  it('rejects a request signed for another service', async () => {
    const { r, now } = await signedJsonRequest();
    await assert.rejects(verifySignature(r, credentials, ['sns'], now), {
      name: 'SignatureDoesNotMatch',
      message: /scoped to correct service: 'sns'/,
    });
  });

  it('rejects a timestamp more than 15 minutes off with RequestExpired, accepts one within', async () => {
    const { r, now } = await signedJsonRequest();
    await verifySignature(r, credentials, ['sqs'], now + 14 * 60_000);
    await verifySignature(r, credentials, ['sqs'], now - 14 * 60_000);
    await assert.rejects(verifySignature(r, credentials, ['sqs'], now + 16 * 60_000), {
      name: 'RequestExpired',
    });
    await assert.rejects(verifySignature(r, credentials, ['sqs'], now - 16 * 60_000), {
      name: 'RequestExpired',
    });
  });

  it('rejects an unsigned request with MissingAuthenticationToken and a malformed header with IncompleteSignature', async () => {
    const { r, now } = await signedJsonRequest();
    const { authorization: _, ...rest } = r.headers;
    await assert.rejects(verifySignature({ ...r, headers: rest }, credentials, ['sqs'], now), {
      name: 'MissingAuthenticationToken',
    });
    await assert.rejects(
      verifySignature(
        { ...r, headers: { ...r.headers, authorization: 'AWS4-HMAC-SHA256 garbage' } },
        credentials,
        ['sqs'],
        now,
      ),
      {
        name: 'IncompleteSignature',
      },
    );
  });

  it('accepts a presigned GET URL until it expires; a tampered parameter fails', async () => {
    const signer = new SignatureV4({
      credentials: good,
      region: 'us-east-1',
      service: 'sqs',
      sha256: Sha256,
    });
    const signingDate = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 9324,
        path: '/000000000000/q',
        query: { Action: 'ReceiveMessage', Version: '2012-11-05' },
        headers: { host: '127.0.0.1:9324' },
      },
      { signingDate, expiresIn: 300 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>);
    const r: SignedRequest = {
      method: 'GET',
      host: '127.0.0.1:9324',
      path: '/000000000000/q',
      query,
      headers: { host: '127.0.0.1:9324' },
      body: Buffer.alloc(0),
    };
    const t = signingDate.getTime();
    assert.equal((await verifySignature(r, credentials, ['sqs'], t + 299_000)).service, 'sqs');
    await assert.rejects(verifySignature(r, credentials, ['sqs'], t + 301_000), { name: 'RequestExpired' });
    const tampered = new URLSearchParams(query);
    tampered.set('Action', 'PurgeQueue');
    await assert.rejects(verifySignature({ ...r, query: tampered }, credentials, ['sqs'], t), {
      name: 'SignatureDoesNotMatch',
    });
  });

  it('verifies a request signed for a list operation with an empty JSON body', async () => {
    const client = new SQSClient({
      endpoint: 'http://127.0.0.1:9324',
      region: 'us-east-1',
      credentials: good,
      requestHandler: capturingHandler() as never,
      maxAttempts: 1,
    });
    const r = toSigned(await capture(client, new ListQueuesCommand({})));
    await verifySignature(r, credentials, ['sqs'], timeOf(amzDateOf(r)));
  });
});

/** A SHA-256 for the test's own presigning (independent of the verifier's adapter). */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(d: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(typeof d === 'string' ? d : Buffer.from(d as ArrayBuffer));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}
