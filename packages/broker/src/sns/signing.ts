import { createHash, createSign, X509Certificate } from 'node:crypto';
import type { SigningIdentity } from './certificate.js';

/** The fields SNS signs, in the order it signs them, per message type. */
const SIGNED_FIELDS: Record<string, readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The string SNS signs: `name\nvalue\n` for each signed field present, in order. */
export function stringToSign(message: Record<string, unknown>): string {
  let out = '';
  for (const name of SIGNED_FIELDS[String(message.Type)] ?? []) {
    const value = message[name];
    if (value !== undefined) out += `${name}\n${String(value)}\n`;
  }
  return out;
}

/** Signs a message: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA. Returns base64. */
export function sign(message: Record<string, unknown>, version: '1' | '2', keyPem: string): string {
  return createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(stringToSign(message), 'utf8')
    .sign(keyPem, 'base64');
}

/** The certificate's file name, as SNS names its own: `SimpleNotificationService-<32 hex>.pem`. */
export function certificateFileName(identity: SigningIdentity): string {
  const der = new X509Certificate(identity.certPem).raw;
  return `SimpleNotificationService-${createHash('sha256').update(der).digest('hex').slice(0, 32)}.pem`;
}
