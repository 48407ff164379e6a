export * from './adapters.js';
export { CertificateCache, type TrustOptions, UntrustedUrlError } from './certificates.js';
export * from './receiver.js';
export { SnsRejection, type VerifyOptions, verifySnsMessage } from './verify.js';
