import { createHash, createPrivateKey, createSign, type KeyObject, X509Certificate } from 'node:crypto';
import { snsStringToSign } from 'sqs-mega/core';
import type { SigningIdentity } from './certificate.js';

/**
 * The envelope signer of an identity: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA; returns
 * base64. The key is parsed once (signing with the PEM text parsed it every time: 938 µs a signature
 * against 299 µs with the parsed key), and the last signature is reused when the same text is signed
 * again with the same version: every subscription of a publish gets the same signed fields, and
 * RSA PKCS#1 v1.5 signatures are deterministic, so a publish to 10 subscriptions signs once.
 */
export function envelopeSigner(
  identity: () => SigningIdentity,
): (message: Record<string, unknown>, version: '1' | '2') => string {
  let key: KeyObject | undefined;
  let last: { text: string; version: string; signature: string } | undefined;
  return (message, version) => {
    const text = snsStringToSign(message);
    if (last !== undefined && last.text === text && last.version === version) return last.signature;
    key ??= createPrivateKey(identity().keyPem);
    const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
      .update(text, 'utf8')
      .sign(key, 'base64');
    last = { text, version, signature };
    return signature;
  };
}

/** How the certificate's file name starts, as SNS's own do. */
export const CERTIFICATE_PREFIX = 'SimpleNotificationService-';

/** The certificate's file name, as SNS names its own: `SimpleNotificationService-<32 hex>.pem`. */
export function certificateFileName(identity: SigningIdentity): string {
  const der = new X509Certificate(identity.certPem).raw;
  return `${CERTIFICATE_PREFIX}${createHash('sha256').update(der).digest('hex').slice(0, 32)}.pem`;
}
