import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { describe, it } from 'node:test';
import { createSigningIdentity, isUsable } from '../src/sns/certificate.js';

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
});
