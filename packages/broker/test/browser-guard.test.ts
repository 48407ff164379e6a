import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserGuard, hostName } from '../src/wire/browser-guard.js';

describe('browser guard', () => {
  const guard = new BrowserGuard({ allowedHosts: ['mega.internal'] });
  const denied = (headers: Record<string, string>) =>
    assert.throws(() => guard.check(headers), { name: 'AccessDenied', status: 403 });

  it('extracts host names from Host headers and authorities', () => {
    assert.equal(hostName('localhost:9324'), 'localhost');
    assert.equal(hostName('[::1]:9324'), '[::1]');
    assert.equal(hostName('127.0.0.1'), '127.0.0.1');
    assert.equal(hostName('Mega.Internal:80'), 'mega.internal');
  });

  it('lets SDK-style requests through on loopback names and configured hosts', () => {
    for (const host of [
      'localhost:9324',
      '127.0.0.1:9324',
      '127.1.2.3',
      '[::1]:9324',
      'mega.internal:9324',
    ]) {
      guard.check({ host });
    }
  });

  it('refuses a Host that is not loopback nor configured (DNS rebinding)', () => {
    denied({ host: 'attacker.example:9324' });
    denied({ host: '192.168.1.5:9324' });
    denied({});
  });

  it('refuses requests a browser marks as cross-site', () => {
    denied({ host: 'localhost:9324', 'sec-fetch-site': 'cross-site' });
    denied({ host: 'localhost:9324', 'sec-fetch-site': 'same-site' });
    guard.check({ host: 'localhost:9324', 'sec-fetch-site': 'same-origin' });
    guard.check({ host: 'localhost:9324', 'sec-fetch-site': 'none' });
  });

  it('refuses a foreign or opaque Origin, accepts the broker’s own', () => {
    denied({ host: 'localhost:9324', origin: 'https://attacker.example' });
    denied({ host: 'localhost:9324', origin: 'null' });
    denied({ host: 'localhost:9324', origin: 'not a url' });
    denied({ host: 'localhost:9324', origin: 'http://127.0.0.1:9324' });
    guard.check({ host: 'localhost:9324', origin: 'http://localhost:9324' });
  });

  it('allows the bind address when it is a specific interface', () => {
    const bound = new BrowserGuard({ bindHost: '10.1.2.3' });
    bound.check({ host: '10.1.2.3:9324' });
    assert.throws(() => new BrowserGuard({ bindHost: '0.0.0.0' }).check({ host: '10.1.2.3:9324' }), {
      name: 'AccessDenied',
    });
  });
});
