import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** The hosts HTTP/S subscriptions may reach when the operator sets nothing: loopback only. */
export const DEFAULT_ALLOW_HOSTS: readonly string[] = ['localhost', '127.0.0.0/8', '::1'];

/**
 * The SSRF guard: the hosts HTTP/S subscriptions may reach (`--sns-allow-hosts`, option `snsAllowHosts`).
 * Entries are host names (`hooks.internal`, or `*.example.com` for subdomains), IP addresses, or CIDR
 * ranges (`10.0.0.0/8`, `fd00::/8`). A host name entry trusts whatever the name resolves to; any other
 * host must resolve only to addresses inside an IP or CIDR entry.
 */
export class HostAllowList {
  private readonly addresses = new BlockList();
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(readonly entries: readonly string[] = DEFAULT_ALLOW_HOSTS) {
    for (const raw of entries) {
      const entry = raw
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, '');
      if (entry === '') continue;
      const [ip, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(ip);
      if (family !== 0) {
        const type = family === 4 ? 'ipv4' : 'ipv6';
        if (prefix === undefined) this.addresses.addAddress(ip, type);
        else this.addresses.addSubnet(ip, Number(prefix), type);
      } else if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else this.names.add(entry);
    }
  }

  /** Whether `address` (an IP) is inside an IP or CIDR entry. */
  allowsAddress(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.addresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** Whether `host` (a URL's hostname) is allowed: by name, or as an IP literal inside an entry. */
  allowsHost(host: string): boolean {
    const h = host.toLowerCase().replace(/^\[|\]$/g, '');
    if (isIP(h) !== 0) return this.allowsAddress(h);
    return this.names.has(h) || this.suffixes.some((s) => h.endsWith(s));
  }

  /**
   * A `lookup` for `http.request` that refuses, at connect time, every address the list does not
   * allow, so that no connection is ever opened to a host outside it (DNS rebinding included).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const byName = this.allowsHost(hostname);
    lookup(hostname, { ...options, all: true }, (error, resolved) => {
      if (error) return callback(error, '', 0);
      const list = resolved as unknown as Array<{ address: string; family: number }>;
      const allowed = list.filter((a) => byName || this.allowsAddress(a.address));
      const first = allowed[0];
      if (!first || allowed.length < list.length) {
        const refused = Object.assign(
          new Error(`sqs-mega broker: ${hostname} resolves to an address outside --sns-allow-hosts`),
          { code: 'ESNSNOTALLOWED' },
        );
        return callback(refused, '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: typeof allowed) => void)(null, allowed);
      callback(null, first.address, first.family);
    });
  };
}
