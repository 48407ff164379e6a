import { STATUS_CODES } from 'node:http';
import type { WireResponse } from '../wire/json.js';

// the Date header changes once a second: built once a second, as node:http does
let dateSecond = -1;
let dateHeader = '';
function date(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateHeader = new Date(now).toUTCString();
  }
  return dateHeader;
}

const statusLines = new Map<number, string>();
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}

/**
 * The response as one string, head and body, as node:http would send it for the same `writeHead`
 * (`Date`, `Connection`, `Keep-Alive`, `Content-Length`): one `socket.write`. `head` leaves the body
 * out (a HEAD request) and keeps its length. Throws on a header value with CR or LF, as node does.
 */
export function responseText(
  response: WireResponse,
  options: { head: boolean; close: boolean; keepAliveSeconds: number },
): string {
  let text = statusLine(response.status);
  const headers = response.headers;
  for (const name in headers) {
    const value = headers[name] as string;
    if (value.includes('\n') || value.includes('\r')) throw new TypeError(`Invalid value of header ${name}`);
    text += `${name}: ${value}\r\n`;
  }
  text += `Date: ${date()}\r\n`;
  text += options.close
    ? 'Connection: close\r\n'
    : `Connection: keep-alive\r\nKeep-Alive: timeout=${options.keepAliveSeconds}\r\n`;
  text += `Content-Length: ${Buffer.byteLength(response.body)}\r\n\r\n`;
  return options.head ? text : text + response.body;
}
