import { createVerify } from 'node:crypto';
import { isSignedSnsType, snsStringToSign } from '../codec/sns-signed.js';
import type { CertificateCache } from './certificates.js';

/** Why a message was refused: `status` is the HTTP status to answer (4xx), `reason` says why. */
export class SnsRejection extends Error {
  override readonly name = 'SnsRejection';
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Checks of {@link verifySnsMessage}. */
export interface VerifyOptions {
  certificates: CertificateCache;
  /** Topic ARNs accepted (default: any). Others are refused with 403. */
  topics?: readonly string[];
  /** Oldest `Timestamp` accepted, ms (default 3,600,000 = 1 hour); also the allowed clock skew ahead. */
  maxAgeMs?: number;
  /** Current time, ms since the epoch (default `Date.now`). */
  now?: () => number;
}

/**
 * Verifies an SNS message (Notification, SubscriptionConfirmation, UnsubscribeConfirmation) the way
 * AWS documents it: required fields, SignatureVersion `1` (SHA1withRSA) or `2` (SHA256withRSA) over
 * the signed fields, the certificate fetched only from a trusted host and valid now, the timestamp not
 * older than `maxAgeMs`, the topic allowed.
 * @throws {@link SnsRejection} with a 4xx status and the reason.
 */
export async function verifySnsMessage(
  message: Record<string, unknown>,
  options: VerifyOptions,
): Promise<void> {
  const type = message.Type;
  if (!isSignedSnsType(type))
    throw new SnsRejection(
      400,
      `Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation (got ${JSON.stringify(type)})`,
    );
  const required = [
    'MessageId',
    'TopicArn',
    'Message',
    'Timestamp',
    'Signature',
    'SignatureVersion',
    'SigningCertURL',
  ];
  if (type !== 'Notification') required.push('Token', 'SubscribeURL');
  for (const field of required)
    if (typeof message[field] !== 'string' || message[field] === '')
      throw new SnsRejection(field.startsWith('Sign') ? 401 : 400, `${field} is missing or not a string`);
  if (message.Subject !== undefined && typeof message.Subject !== 'string')
    throw new SnsRejection(400, 'Subject is not a string');
  const topic = message.TopicArn as string;
  if (options.topics && !options.topics.includes(topic))
    throw new SnsRejection(403, `topic ${topic} is not one this endpoint accepts`);
  const version = message.SignatureVersion;
  if (version !== '1' && version !== '2')
    throw new SnsRejection(400, `SignatureVersion must be 1 or 2 (got ${JSON.stringify(version)})`);
  const timestamp = Date.parse(message.Timestamp as string);
  const now = (options.now ?? Date.now)();
  const maxAge = options.maxAgeMs ?? 3_600_000;
  if (Number.isNaN(timestamp)) throw new SnsRejection(400, 'Timestamp is not an ISO-8601 date');
  if (now - timestamp > maxAge)
    throw new SnsRejection(
      400,
      `message expired: Timestamp ${message.Timestamp} is more than ${maxAge} ms old`,
    );
  if (timestamp - now > maxAge)
    throw new SnsRejection(400, `Timestamp ${message.Timestamp} is in the future`);
  let certificate: Awaited<ReturnType<CertificateCache['get']>>;
  try {
    certificate = await options.certificates.get(message.SigningCertURL as string);
  } catch (error) {
    throw new SnsRejection(403, `signing certificate refused: ${(error as Error).message}`);
  }
  if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now)
    throw new SnsRejection(
      403,
      `signing certificate is not valid now (valid ${certificate.validFrom} to ${certificate.validTo})`,
    );
  const text = snsStringToSign(message);
  const ok = createVerify(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(text, 'utf8')
    .verify(certificate.publicKey, message.Signature as string, 'base64');
  if (!ok)
    throw new SnsRejection(
      403,
      'signature does not match the message (tampered, or signed with another key)',
    );
}
