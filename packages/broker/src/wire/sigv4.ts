import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureV4 } from '@smithy/signature-v4';
import { AwsError } from '../errors.js';

/**
 * AWS Signature Version 4 verification. The broker recomputes the signature of an incoming request
 * with the official signer (`@smithy/signature-v4`, the AWS SDK's own), from the secret of the access
 * key the request names, the date it claims and the headers it says it signed, and compares. Both
 * forms are accepted: the `Authorization` header and a presigned query string.
 */

/** Access key id → secret access key. */
export type CredentialStore = ReadonlyMap<string, string>;

/** What a verified request was signed with. */
export interface VerifiedSigner {
  accessKeyId: string;
  region: string;
  service: string;
}

/** The parts of a request the signature covers. */
export interface SignedRequest {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** How far a request's timestamp may be from the broker's clock: 15 minutes, as AWS allows. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;_.-]+), ?Signature=([0-9a-f]{64})$/;

export const authErrors = {
  missing: () => new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  unknownKey: () =>
    new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
  mismatch: (detail?: string) =>
    new AwsError(
      'SignatureDoesNotMatch',
      detail ??
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    ),
  expired: (date: string, now: number) =>
    new AwsError(
      'RequestExpired',
      `Request has expired: its timestamp ${date} is more than 15 minutes from the server time ${formatLong(now)}.`,
      400,
    ),
  incomplete: (what: string) =>
    new AwsError(
      'IncompleteSignature',
      `The request signature does not conform to AWS standards: ${what}.`,
      400,
    ),
};

/**
 * Verifies a request's SigV4 signature against `credentials`, for one of `services` (e.g. `sqs`,
 * `sns`), at time `now` (ms). Returns the signer, or throws the AwsError AWS returns for the fault:
 * MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId, SignatureDoesNotMatch or
 * RequestExpired.
 */
export async function verifySignature(
  request: SignedRequest,
  credentials: CredentialStore,
  services: readonly string[],
  now: number,
): Promise<VerifiedSigner> {
  const header = single(request.headers.authorization);
  if (header !== undefined) return verifyHeader(request, header, credentials, services, now);
  if (request.query.has('X-Amz-Signature')) return verifyPresigned(request, credentials, services, now);
  throw authErrors.missing();
}

async function verifyHeader(
  request: SignedRequest,
  header: string,
  credentials: CredentialStore,
  services: readonly string[],
  now: number,
): Promise<VerifiedSigner> {
  const match = AUTH.exec(header.trim());
  if (!match)
    throw authErrors.incomplete(
      'Authorization header must be AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…',
    );
  const [, accessKeyId, day, region, service, signedList, signature] = match as unknown as string[];
  const signer = checkScope(
    accessKeyId as string,
    region as string,
    service as string,
    credentials,
    services,
  );
  const amzDate = single(request.headers['x-amz-date']);
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate))
    throw authErrors.incomplete('X-Amz-Date header is missing or malformed');
  if (amzDate.slice(0, 8) !== day)
    throw authErrors.mismatch('Date in Credential scope does not match X-Amz-Date.');
  const signingDate = parseLong(amzDate);
  if (Math.abs(now - signingDate.getTime()) > MAX_SKEW_MS) throw authErrors.expired(amzDate, now);
  const signed = new Set((signedList as string).split(';'));
  if (!signed.has('host')) throw authErrors.incomplete('SignedHeaders must include host');
  checkPayloadHash(request);
  const v4 = await signerFor(signer, credentials);
  const result = await v4.sign(toHttpRequest(request, signed), {
    signingDate,
    signingRegion: signer.region,
    signingService: signer.service,
    signableHeaders: signed,
  });
  const computed = AUTH.exec(
    String((result as { headers: Record<string, string> }).headers.authorization),
  )?.[6];
  if (!computed || !equal(computed, signature as string)) throw authErrors.mismatch();
  return signer;
}

async function verifyPresigned(
  request: SignedRequest,
  credentials: CredentialStore,
  services: readonly string[],
  now: number,
): Promise<VerifiedSigner> {
  const q = request.query;
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
    throw authErrors.incomplete('X-Amz-Algorithm must be AWS4-HMAC-SHA256');
  const scope = (q.get('X-Amz-Credential') ?? '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request')
    throw authErrors.incomplete('X-Amz-Credential is malformed');
  const [accessKeyId, day, region, service] = scope as [string, string, string, string];
  const signer = checkScope(accessKeyId, region, service, credentials, services);
  const amzDate = q.get('X-Amz-Date') ?? '';
  const expires = Number(q.get('X-Amz-Expires') ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day)
    throw authErrors.incomplete('X-Amz-Date is missing or malformed');
  if (!Number.isInteger(expires) || expires < 1 || expires > 604800)
    throw authErrors.incomplete('X-Amz-Expires must be 1 to 604800 seconds');
  const signingDate = parseLong(amzDate);
  if (signingDate.getTime() - now > MAX_SKEW_MS || now > signingDate.getTime() + expires * 1000) {
    throw authErrors.expired(amzDate, now);
  }
  const signed = new Set((q.get('X-Amz-SignedHeaders') ?? '').split(';'));
  const unsigned = new URLSearchParams(q);
  for (const name of [
    'X-Amz-Signature',
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
  ]) {
    unsigned.delete(name);
  }
  const v4 = await signerFor(signer, credentials);
  const presigned = await v4.presign(toHttpRequest({ ...request, query: unsigned }, signed), {
    signingDate,
    expiresIn: expires,
    signingRegion: signer.region,
    signingService: signer.service,
    signableHeaders: signed,
  });
  const computed = String(presigned.query?.['X-Amz-Signature'] ?? '');
  if (!equal(computed, q.get('X-Amz-Signature') ?? '')) throw authErrors.mismatch();
  return signer;
}

/**
 * The signer trusts a client's `x-amz-content-sha256` header as the body's hash, so the body must be
 * checked against it: a body changed in transit would otherwise pass with the original signature.
 */
function checkPayloadHash(request: SignedRequest): void {
  const claimed = single(request.headers['x-amz-content-sha256']);
  if (claimed === undefined) return;
  if (createHash('sha256').update(request.body).digest('hex') !== claimed) {
    throw authErrors.mismatch('The provided x-amz-content-sha256 header does not match what was computed.');
  }
}

function checkScope(
  accessKeyId: string,
  region: string,
  service: string,
  credentials: CredentialStore,
  services: readonly string[],
): VerifiedSigner {
  if (!credentials.has(accessKeyId)) throw authErrors.unknownKey();
  if (!services.includes(service)) {
    throw authErrors.mismatch(
      `Credential should be scoped to correct service: '${services.join("' or '")}'.`,
    );
  }
  return { accessKeyId, region, service };
}

/** The signer's module, loaded on first use: a broker without credentials never needs it (~15 MB). */
let signerModule: Promise<typeof import('@smithy/signature-v4')> | undefined;

async function signerFor(signer: VerifiedSigner, credentials: CredentialStore): Promise<SignatureV4> {
  signerModule ??= import('@smithy/signature-v4');
  const { SignatureV4 } = await signerModule;
  return new SignatureV4({
    credentials: {
      accessKeyId: signer.accessKeyId,
      secretAccessKey: credentials.get(signer.accessKeyId) as string,
    },
    region: signer.region,
    service: signer.service,
    sha256: NodeSha256,
    applyChecksum: false,
  });
}

/** The request as the signer sees it, with only the headers the client said it signed. */
function toHttpRequest(request: SignedRequest, signed: Set<string>) {
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = name === 'host' ? request.host : request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(request.query.keys())) {
    const values = request.query.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return {
    method: request.method,
    protocol: 'http:',
    hostname: request.host,
    path: request.path,
    query,
    headers,
    body: request.body,
  };
}

/** The SHA-256 / HMAC-SHA-256 the signer asks for, on node:crypto (what `@smithy/hash-node` does). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function equal(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function parseLong(date: string): Date {
  return new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
}

function formatLong(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
