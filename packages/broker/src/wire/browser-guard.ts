import { AwsError } from '../errors.js';

/**
 * Browsers are not clients. A page on another site can make a browser send requests to a broker on
 * the user's machine; two checks stop it:
 * - the `Host` header must name the broker by a loopback name or a configured host, which defeats DNS
 *   rebinding (an attacker's domain resolving to 127.0.0.1 still carries the attacker's name);
 * - an API request the browser marks as cross-site (`Sec-Fetch-Site: cross-site|same-site`, or an
 *   `Origin` whose host is not allowed) is refused. AWS SDKs, boto3 and the CLI send neither header.
 */
export interface BrowserGuardOptions {
  /** Extra host names (without port) the broker may be addressed by, besides loopback names and the bind address. */
  allowedHosts?: readonly string[];
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|\[?::ffff:127(?:\.\d{1,3}){3}\]?)$/i;

/** The host name of a `Host` header or URL authority, without port and brackets kept for IPv6. */
export function hostName(authority: string): string {
  const trimmed = authority.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  const colon = trimmed.lastIndexOf(':');
  return colon > 0 && trimmed.indexOf(':') === colon ? trimmed.slice(0, colon) : trimmed;
}

export class BrowserGuard {
  private readonly allowed: Set<string>;
  /** Host headers already found allowed (clients send the same one on every request). */
  private readonly knownHosts = new Set<string>();

  constructor(options: BrowserGuardOptions & { bindHost?: string } = {}) {
    this.allowed = new Set((options.allowedHosts ?? []).map((h) => hostName(h)));
    if (options.bindHost && !['0.0.0.0', '::', '[::]'].includes(options.bindHost))
      this.allowed.add(hostName(options.bindHost));
  }

  /** Whether a host name (from a Host header or an Origin) is one the broker answers to. */
  allows(host: string): boolean {
    const name = hostName(host);
    return LOOPBACK.test(name) || this.allowed.has(name);
  }

  /** Throws a 403 AwsError when the request comes from a browser on another site, or names a foreign host. */
  check(headers: Record<string, string | string[] | undefined>): void {
    const host = first(headers.host);
    if (host !== undefined && this.knownHosts.has(host)) {
      // the usual API request: a known host, no browser headers
      if (headers['sec-fetch-site'] === undefined && headers.origin === undefined) return;
    } else if (host !== undefined && this.allows(host)) {
      if (this.knownHosts.size < 64) this.knownHosts.add(host);
    } else {
      throw new AwsError(
        'AccessDenied',
        `Host '${(host ?? '').slice(0, 100)}' is not allowed: address the broker by a loopback name, or start it with --allow-host <name>.`,
        403,
      );
    }
    const site = first(headers['sec-fetch-site']);
    if (site === 'cross-site' || site === 'same-site') {
      throw new AwsError('AccessDenied', 'Cross-site requests from browsers are not allowed.', 403);
    }
    const origin = first(headers.origin);
    if (origin !== undefined && origin !== 'null') {
      let originHost: string;
      try {
        originHost = new URL(origin).host;
      } catch {
        throw new AwsError('AccessDenied', 'Malformed Origin header.', 403);
      }
      if (!this.allows(originHost) || hostName(originHost) !== hostName(host)) {
        throw new AwsError(
          'AccessDenied',
          `Requests from origin ${origin.slice(0, 100)} are not allowed.`,
          403,
        );
      }
    } else if (origin === 'null') {
      throw new AwsError('AccessDenied', 'Requests from an opaque origin are not allowed.', 403);
    }
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
