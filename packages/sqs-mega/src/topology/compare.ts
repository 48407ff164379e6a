import { canonicalJson } from '../codec/canonical.js';

function parseObject(value: string): unknown {
  if (!value.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * Whether an attribute's current value already is the declared one: JSON objects compare by content
 * (key order and spacing ignored), booleans case-insensitively, numbers by value.
 */
export function sameAttribute(current: string | undefined, declared: string): boolean {
  if (current === undefined) return false;
  if (current === declared) return true;
  const a = parseObject(current);
  const b = parseObject(declared);
  if (a !== undefined && b !== undefined) return canonicalJson(a) === canonicalJson(b);
  const lower = [current.toLowerCase(), declared.toLowerCase()];
  if ((lower[0] === 'true' || lower[0] === 'false') && lower[0] === lower[1]) return true;
  return current.trim() !== '' && declared.trim() !== '' && Number(current) === Number(declared);
}

/** The name at the end of an ARN (`arn:aws:sqs:us-east-1:000000000000:orders` → `orders`). */
export function arnName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** The ARN of another resource in the same region and account and service as `arn`. */
export function siblingArn(arn: string, name: string): string {
  return `${arn.slice(0, arn.lastIndexOf(':') + 1)}${name}`;
}
