import { X509Certificate } from 'node:crypto';

/** Where signing certificates (and confirmation links) may be fetched from. */
export interface TrustOptions {
  /**
   * Hosts a `SigningCertURL` may name, fetched over HTTPS (default: Amazon SNS's own,
   * `sns.<region>.amazonaws.com` and `sns.<region>.amazonaws.com.cn`). Exact names; `host:port` allowed.
   */
  certificateHosts?: readonly string[];
  /**
   * The sqs-mega broker's URL (e.g. `http://127.0.0.1:9324`): its certificate and confirmation links
   * are trusted too, and fetched from this URL (so over plain HTTP from a local broker). Default: none.
   */
  brokerUrl?: string;
  /** Most certificates kept in memory (default 100); each URL is fetched once. */
  cacheSize?: number;
  /** How long a fetch may take, ms (default 5,000). */
  fetchTimeoutMs?: number;
}

/** Amazon SNS's certificate hosts: `sns.<region>.amazonaws.com` (and `.com.cn`). */
const AMAZON_SNS_HOST = /^sns\.[a-z]{2}(?:-gov)?-[a-z]+-\d\.amazonaws\.com(?:\.cn)?$/;

/** Why a URL or a certificate was refused. */
export class UntrustedUrlError extends Error {
  override readonly name = 'UntrustedUrlError';
}

/**
 * Decides which URLs are trusted and where to fetch them: an Amazon SNS host over HTTPS, a host of
 * `certificateHosts` over HTTPS, or the broker's host (fetched at `brokerUrl`). Anything else throws
 * {@link UntrustedUrlError} naming the host.
 */
export function trustedFetchUrl(url: string, options: TrustOptions): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UntrustedUrlError(`not a URL: ${JSON.stringify(url)}`);
  }
  if (options.brokerUrl !== undefined) {
    const broker = new URL(options.brokerUrl);
    if (parsed.host === broker.host) return new URL(parsed.pathname + parsed.search, broker).href;
  }
  const listed = options.certificateHosts;
  const allowed = listed
    ? listed.includes(parsed.host)
    : AMAZON_SNS_HOST.test(parsed.hostname) && parsed.port === '';
  if (!allowed) throw new UntrustedUrlError(`host ${parsed.host} is not a trusted SNS host`);
  if (parsed.protocol !== 'https:') throw new UntrustedUrlError(`${parsed.host} must be reached over https`);
  return parsed.href;
}

/** Fetches and caches signing certificates from trusted URLs only. */
export class CertificateCache {
  private readonly cache = new Map<string, Promise<X509Certificate>>();

  constructor(private readonly options: TrustOptions) {}

  /** Adds a certificate by hand (a fixture, an offline test): later lookups of `url` use it. */
  preload(url: string, pem: string): void {
    this.cache.set(url, Promise.resolve(new X509Certificate(pem)));
  }

  /** The certificate at `url`, fetched once; rejects with the reason it is not usable. */
  get(url: string): Promise<X509Certificate> {
    const cached = this.cache.get(url);
    if (cached) return cached;
    const loading = this.load(url);
    this.cache.set(url, loading);
    loading.catch(() => this.cache.delete(url));
    while (this.cache.size > (this.options.cacheSize ?? 100)) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return loading;
  }

  private async load(url: string): Promise<X509Certificate> {
    const from = trustedFetchUrl(url, this.options);
    const response = await fetch(from, {
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 5000),
    });
    const text = await response.text();
    if (!response.ok) throw new UntrustedUrlError(`certificate ${url} answered HTTP ${response.status}`);
    if (text.length > 65_536) throw new UntrustedUrlError(`certificate ${url} is larger than 64 KiB`);
    return new X509Certificate(text);
  }
}
