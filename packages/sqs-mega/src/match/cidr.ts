import { BlockList, isIP } from 'node:net';
import { FilterPolicyError } from '../errors.js';

/**
 * Parses a CIDR block (`10.0.0.0/24`, `2001:db8::/32`) and returns a membership test for IP strings.
 * @throws {@link FilterPolicyError} with SNS's wording for malformed blocks.
 */
export function compileCidr(text: string): (value: unknown) => boolean {
  const parts = text.split('/');
  if (parts.length !== 2) throw new FilterPolicyError("Malformed CIDR, one '/' required");
  const [address = '', bits = ''] = parts;
  const family = isIP(address);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 6 ? 128 : 32)) {
    throw new FilterPolicyError('Malformed CIDR, mask bits must be an integer');
  }
  if (family === 0) throw new FilterPolicyError(`Nonstandard IP address: ${address}`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  list.addSubnet(address, Number(bits), type);
  return (value) => {
    if (typeof value !== 'string') return false;
    const f = isIP(value);
    return f !== 0 && (f === 6 ? 'ipv6' : 'ipv4') === type && list.check(value, type);
  };
}
