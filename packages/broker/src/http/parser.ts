/**
 * The HTTP/1.1 request heads the raw front (`http/raw-front.ts`) parses itself: the common case of
 * AWS clients, strictly. Anything else — another HTTP version, `Transfer-Encoding`, `Expect`,
 * `Upgrade`, a method outside the usual ones, a character node's parser would refuse, a head over
 * {@link MAX_HEAD_BYTES} — is `'fallback'`: the connection is handed, bytes intact, to node:http,
 * which answers it as it always did (including its 400 and 431 answers).
 */

/** The largest request head parsed here: node's default `maxHeaderSize` (16 KiB); larger ones fall back (node answers 431). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** A parsed request head. `headers` is shaped as node's `IncomingMessage.headers`. */
export interface RequestHead {
  method: string;
  /** The request target as sent (path and query string). */
  url: string;
  headers: Record<string, string | string[]>;
  /** `Content-Length`, 0 when absent. */
  contentLength: number;
  /** False when the client sent `Connection: close`. */
  keepAlive: boolean;
  /** Bytes of the head, request line to the blank line included. */
  headBytes: number;
}

/** The head, or `'partial'` (not all of it arrived yet), or `'fallback'` (leave it to node:http). */
export type HeadResult = RequestHead | 'partial' | 'fallback';

const METHODS = new Set(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
// RFC 9110 token characters for header names; field values: HTAB, visible ASCII, space, obs-text
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// request targets: visible ASCII only (no spaces, no controls)
const TARGET = /^[\x21-\x7e]+$/;
const DIGITS = /^\d{1,15}$/;

// as node's IncomingMessage: a second one of these is dropped, `set-cookie` makes an array, `cookie`
// joins with '; ', every other header joins with ', '
const FIRST_WINS = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'referer',
  'host',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'from',
  'location',
  'max-forwards',
  'retry-after',
  'etag',
  'last-modified',
  'server',
  'age',
  'expires',
]);

// lower-cased header names seen before (clients send the same few): no toLowerCase per header
const lowerNames = new Map<string, string>();
function lower(name: string): string {
  let cached = lowerNames.get(name);
  if (cached === undefined) {
    cached = name.toLowerCase();
    if (lowerNames.size < 512) lowerNames.set(name, cached);
  }
  return cached;
}

/** Whether a line of `buf` ends with LF alone (node:http refuses those; this parser leaves them to it). */
function bareLineFeed(buf: Buffer, start: number): boolean {
  for (let at = buf.indexOf(10, start); at >= 0; at = buf.indexOf(10, at + 1))
    if (at === start || buf[at - 1] !== 13) return true;
  return false;
}

/** Parses the request head starting at `start` of `buf`. */
export function parseHead(buf: Buffer, start: number): HeadResult {
  const end = buf.indexOf('\r\n\r\n', start, 'latin1');
  if (end < 0)
    return buf.length - start > MAX_HEAD_BYTES || bareLineFeed(buf, start) ? 'fallback' : 'partial';
  const headBytes = end + 4 - start;
  if (headBytes > MAX_HEAD_BYTES) return 'fallback';
  const text = buf.toString('latin1', start, end);
  const lineEnd = text.indexOf('\r\n');
  const requestLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.indexOf(' ', sp1 + 1);
  if (sp1 < 0 || sp2 < 0) return 'fallback';
  const method = requestLine.slice(0, sp1);
  const url = requestLine.slice(sp1 + 1, sp2);
  if (
    !METHODS.has(method) ||
    requestLine.slice(sp2 + 1) !== 'HTTP/1.1' ||
    !TARGET.test(url) ||
    (url[0] !== '/' && url !== '*')
  )
    return 'fallback';
  const headers: Record<string, string | string[]> = Object.create(null);
  let contentLength = 0;
  let keepAlive = true;
  let at = lineEnd < 0 ? text.length : lineEnd + 2;
  while (at < text.length) {
    let next = text.indexOf('\r\n', at);
    if (next < 0) next = text.length;
    const line = text.slice(at, next);
    at = next + 2;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'fallback';
    const rawName = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (!NAME.test(rawName) || !VALUE.test(value)) return 'fallback';
    const name = lower(rawName);
    switch (name) {
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return 'fallback';
      case 'content-length':
        if (headers[name] !== undefined || !DIGITS.test(value)) return 'fallback';
        contentLength = Number(value);
        break;
      case 'connection': {
        const tokens = value.toLowerCase();
        if (tokens.includes('upgrade')) return 'fallback';
        if (/(?:^|,)\s*close\s*(?:,|$)/.test(tokens)) keepAlive = false;
        break;
      }
    }
    const seen = headers[name];
    if (seen === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
    else if (name === 'set-cookie') (seen as string[]).push(value);
    else if (!FIRST_WINS.has(name)) headers[name] = `${seen}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  return { method, url, headers, contentLength, keepAlive, headBytes };
}
