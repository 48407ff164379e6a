import {
  createPrivateKey,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Extension,
  Extensions,
  GeneralName,
  id_ce_subjectAltName,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';

/** The broker's signing identity: an RSA key and a self-signed X.509 certificate (PEM). */
export interface SigningIdentity {
  keyPem: string;
  certPem: string;
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
const KEY_FILE = 'sns-signing-key.pem';
const CERT_FILE = 'sns-signing-cert.pem';

/**
 * The broker's signing identity, made or loaded on first use (see {@link loadSigningIdentity}), then
 * kept. Making a 2048-bit RSA key takes 0.1–0.4 s (216 ms median here), most of an in-memory
 * broker's start when it was made eagerly; a broker that never signs an SNS envelope nor accepts a
 * TLS connection never pays it.
 * @param now - the clock, read when the identity is made (its certificate's validity starts then).
 */
export function lazySigningIdentity(dataDir: string | undefined, now: () => number): () => SigningIdentity {
  let identity: SigningIdentity | undefined;
  return () => {
    identity ??= loadSigningIdentity(dataDir, now());
    return identity;
  };
}

/**
 * The signing identity kept in `dataDir` (created the first time), or a fresh one when the broker runs
 * in memory. The certificate names `localhost`, `127.0.0.1` and `::1`, so it also serves TLS.
 */
export function loadSigningIdentity(dataDir: string | undefined, now: number): SigningIdentity {
  if (dataDir !== undefined) {
    const keyPath = join(dataDir, KEY_FILE);
    const certPath = join(dataDir, CERT_FILE);
    if (existsSync(keyPath) && existsSync(certPath))
      return { keyPem: readFileSync(keyPath, 'utf8'), certPem: readFileSync(certPath, 'utf8') };
    const identity = createSigningIdentity(now);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(keyPath, identity.keyPem, { mode: 0o600 });
    writeFileSync(certPath, identity.certPem);
    return identity;
  }
  return createSigningIdentity(now);
}

/**
 * A new 2048-bit RSA key and a self-signed certificate valid for ten years from `now`, checked the way
 * TLS and SNS validators will load it. About one certificate in 400 built by the ASN.1 library has a
 * public key OpenSSL refuses ("illegal padding"); such a one is made again rather than served.
 */
export function createSigningIdentity(now: number): SigningIdentity {
  for (let attempt = 1; ; attempt++) {
    const identity = buildSigningIdentity(now);
    if (isUsable(identity)) return identity;
    if (attempt === 10) throw new Error('could not create a usable SNS signing certificate');
  }
}

/** Whether OpenSSL loads the certificate's key, it is our key, and the self-signature verifies. */
export function isUsable(identity: SigningIdentity): boolean {
  try {
    return (
      matches(identity) && new X509Certificate(identity.certPem).verify(createPublicKey(identity.certPem))
    );
  } catch {
    return false;
  }
}

function buildSigningIdentity(now: number): SigningIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const algorithm = new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null });
  const name = new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({
        type: COMMON_NAME,
        value: new AttributeValue({ utf8String: 'sqs-mega broker SNS' }),
      }),
    ]),
  ]);
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const altNames = new SubjectAlternativeName([
    new GeneralName({ dNSName: 'localhost' }),
    new GeneralName({ iPAddress: '127.0.0.1' }),
    new GeneralName({ iPAddress: '::1' }),
  ]);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: algorithm,
    issuer: name,
    subject: name,
    validity: new Validity({
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 10 * 365 * 86_400_000),
    }),
    subjectPublicKeyInfo: AsnConvert.parse(
      publicKey.export({ type: 'spki', format: 'der' }),
      SubjectPublicKeyInfo,
    ),
    extensions: new Extensions([
      new Extension({
        extnID: id_ce_subjectAltName,
        critical: false,
        extnValue: new OctetString(AsnConvert.serialize(altNames)),
      }),
    ]),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = createSign('sha256').update(tbsDer).sign(privateKey);
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: new Uint8Array(signature).buffer,
  });
  const der = Buffer.from(AsnConvert.serialize(certificate));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    certPem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
  };
}

/** Checks that the key and the certificate belong together (a copied-over data dir, say). */
export function matches(identity: SigningIdentity): boolean {
  const fromKey = createPublicKey(createPrivateKey(identity.keyPem)).export({ type: 'spki', format: 'der' });
  const fromCert = createPublicKey(identity.certPem).export({ type: 'spki', format: 'der' });
  return Buffer.compare(fromKey, fromCert) === 0;
}
