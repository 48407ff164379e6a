import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CredentialStore } from '../wire/sigv4.js';

/**
 * Who may use the dashboard. The browser guard (every request) already refuses foreign `Host`
 * headers and cross-site requests; on top of it:
 * - with credentials configured, HTTP Basic authentication with an access key id (user) and its
 *   secret (password); without, the dashboard is open — the broker then only listens on loopback;
 * - every state-changing request carries the page's CSRF token in the `x-mega-csrf` header.
 */

/** One random token per process, embedded in the page. */
const CSRF_TOKEN = randomBytes(32).toString('base64url');

export const CSRF_HEADER = 'x-mega-csrf';

export function csrfToken(): string {
  return CSRF_TOKEN;
}

/** Whether the request carries this process's CSRF token. */
export function hasCsrfToken(headers: Record<string, string | string[] | undefined>): boolean {
  const given = headers[CSRF_HEADER];
  return typeof given === 'string' && sameSecret(given, CSRF_TOKEN);
}

/**
 * Whether the request may see the dashboard: always without credentials; with them, when its
 * `Authorization: Basic` names a known access key id and its secret.
 */
export function isAuthorized(
  headers: Record<string, string | string[] | undefined>,
  credentials: CredentialStore | undefined,
): boolean {
  if (!credentials) return true;
  const header = headers.authorization;
  if (typeof header !== 'string' || !/^basic /i.test(header)) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const secret = credentials.get(decoded.slice(0, colon));
  // compared even for an unknown key id, so the answer takes as long either way
  const matches = sameSecret(decoded.slice(colon + 1), secret ?? CSRF_TOKEN);
  return secret !== undefined && matches;
}

/** Constant-time comparison of two strings of any length (their SHA-256 digests are compared). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
