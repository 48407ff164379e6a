import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WireResponse } from '../wire/json.js';
import { csrfToken } from './access.js';

/**
 * The page and its built assets. `scripts/build-dashboard.mjs` bundles the page's sources
 * (`packages/broker/dashboard/`) into `dist/dashboard/public/`, which ships in the npm package; this
 * module is at `src/dashboard/` in source mode and `dist/dashboard/` when built, two levels below the
 * package root either way.
 */
const PUBLIC_DIR = fileURLToPath(new URL('../../dist/dashboard/public/', import.meta.url));

const FILES: Record<string, string> = {
  '/_mega/app.js': 'text/javascript; charset=utf-8',
  '/_mega/app.css': 'text/css; charset=utf-8',
};

/** Headers every dashboard response carries. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const PAGE_HEADERS = {
  ...COMMON_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

const cache = new Map<string, string>();

function asset(name: string): string | undefined {
  let text = cache.get(name);
  if (text === undefined) {
    try {
      text = readFileSync(`${PUBLIC_DIR}${name}`, 'utf8');
    } catch {
      return undefined;
    }
    cache.set(name, text);
  }
  return text;
}

/** Whether `path` names one of the built files. */
export function isAsset(path: string): boolean {
  return Object.hasOwn(FILES, path);
}

/** A built file, or a 503 saying how to build it. */
export function serveAsset(path: string): WireResponse {
  const text = asset(path.slice('/_mega/'.length));
  if (text === undefined) return notBuilt();
  return { status: 200, headers: { ...COMMON_HEADERS, 'content-type': FILES[path] as string }, body: text };
}

/** The paths of the dashboard's icon: the one its page links to, and the one browsers ask for unbidden. */
export const ICON_PATHS: readonly string[] = ['/_mega/icon.svg', '/favicon.ico'];

/** The dashboard's icon: an envelope on the queue colour, as SVG (browsers take SVG at any path). */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f6feb"/><path d="M7 10h18v12H7z" fill="#fff"/><path d="M7 10l9 7 9-7" fill="none" stroke="#1f6feb" stroke-width="2"/></svg>
`;

/** The icon, cacheable for a day (it never changes within a version). */
export function serveIcon(): WireResponse {
  return {
    status: 200,
    headers: {
      ...COMMON_HEADERS,
      'cache-control': 'public, max-age=86400',
      'content-type': 'image/svg+xml',
    },
    body: ICON,
  };
}

/** The page: a shell that loads the bundle, with the CSRF token in a meta tag. */
export function servePage(): WireResponse {
  if (asset('app.js') === undefined) return notBuilt();
  return {
    status: 200,
    headers: PAGE_HEADERS,
    body: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="mega-csrf" content="${csrfToken()}">
<title>sqs-mega broker</title>
<link rel="icon" href="/_mega/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/_mega/app.css">
<script type="module" src="/_mega/app.js"></script>
</head>
<body>
<div id="app"><p class="loading">Loading the dashboard…</p></div>
<noscript>The dashboard needs JavaScript. The AWS APIs (SQS, SNS) are served on this same URL.</noscript>
</body>
</html>
`,
  };
}

function notBuilt(): WireResponse {
  return {
    status: 503,
    headers: { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
    body:
      'sqs-mega broker: the dashboard is not built. Run `npm run build` (or ' +
      '`node packages/broker/scripts/build-dashboard.mjs`). The AWS APIs work without it.\n',
  };
}
