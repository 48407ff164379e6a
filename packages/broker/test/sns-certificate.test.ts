import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { createSigningIdentity, isUsable } from '../src/sns/certificate.js';
import { snsSetup } from './sns-support.js';

describe('the SNS signing identity', () => {
  it('is always one TLS and SNS validators load (the ASN.1 builder occasionally made an unusable one)', () => {
    // about 1 in 400 built certificates had a public key OpenSSL refuses; 60 draws, each checked
    for (let i = 0; i < 60; i++) {
      const identity = createSigningIdentity(Date.UTC(2026, 0, 1));
      assert.ok(isUsable(identity));
      createServer({ key: identity.keyPem, cert: identity.certPem }).close();
    }
  });

  it('refuses a certificate that does not go with the key', () => {
    const a = createSigningIdentity(Date.UTC(2026, 0, 1));
    const b = createSigningIdentity(Date.UTC(2026, 0, 1));
    assert.equal(isUsable({ keyPem: a.keyPem, certPem: b.certPem }), false);
    assert.equal(isUsable({ keyPem: a.keyPem, certPem: 'garbage' }), false);
  });

  it('is made on first use, a TLS connection or a signed envelope, and kept in the data directory', async () => {
    const certOf = (dir: string) => readFileSync(join(dir, 'sns-signing-cert.pem'), 'utf8');
    const made = (dir: string) => existsSync(join(dir, 'sns-signing-key.pem'));
    /** Runs `fn` against a broker on `dir`, stopped whatever happens. */
    const withBroker = async (
      dir: string,
      fn: (env: Awaited<ReturnType<typeof snsSetup>>) => Promise<void>,
    ) => {
      const env = await snsSetup({ dataDir: dir });
      try {
        await fn(env);
      } finally {
        await env.teardown();
      }
    };
    const signedBy = async (env: Awaited<ReturnType<typeof snsSetup>>) => {
      const TopicArn = await env.topic();
      const { QueueUrl } = await env.subscribedQueue(TopicArn);
      await env.sns('Publish', { TopicArn, Message: 'hello' });
      return new URL(JSON.parse((await env.receive(QueueUrl))[0].Body).SigningCertURL).pathname;
    };
    const tlsDir = mkdtempSync(join(tmpdir(), 'mega-identity-'));
    const signDir = mkdtempSync(join(tmpdir(), 'mega-identity-'));
    try {
      // TLS first: the handshake makes it, and the broker serves the certificate it saved
      await withBroker(tlsDir, async (env) => {
        assert.equal(made(tlsDir), false, 'a started broker has not made it yet');
        const served = await new Promise<string>((resolve, reject) => {
          get(`${env.broker.url.replace('http:', 'https:')}/health`, { rejectUnauthorized: false }, (res) => {
            resolve((res.socket as TLSSocket).getPeerCertificate().fingerprint256);
            res.resume();
          }).on('error', reject);
        });
        assert.equal(served, new X509Certificate(certOf(tlsDir)).fingerprint256);
      });
      // a signed envelope first; a restarted broker signs with the same certificate
      let first = '';
      await withBroker(signDir, async (env) => {
        assert.equal(made(signDir), false);
        first = await signedBy(env);
        assert.ok(made(signDir));
      });
      const cert = certOf(signDir);
      await withBroker(signDir, async (env) => assert.equal(await signedBy(env), first));
      assert.equal(certOf(signDir), cert, 'the restarted broker kept the identity');
    } finally {
      rmSync(tlsDir, { recursive: true, force: true });
      rmSync(signDir, { recursive: true, force: true });
    }
  });
});
