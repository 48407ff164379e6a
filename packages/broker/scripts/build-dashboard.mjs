#!/usr/bin/env node
// Bundles the dashboard's page (packages/broker/dashboard/, Preact + TSX) into
// packages/broker/dist/dashboard/public/{app.js,app.css}, which the broker serves and the npm package
// ships: `npx mega serve` needs no build step. esbuild only strips types; `tsc -p
// packages/broker/dashboard` type-checks the page (the dashboard test runs it).
// Usage: node packages/broker/scripts/build-dashboard.mjs [--watch]
import { build, context } from 'esbuild';

const root = new URL('..', import.meta.url);
const options = {
  // main.tsx imports app.css: esbuild writes app.js and app.css
  entryPoints: { app: new URL('dashboard/main.tsx', root).pathname },
  outdir: new URL('dist/dashboard/public', root).pathname,
  entryNames: '[name]',
  bundle: true,
  format: 'esm',
  target: ['chrome111', 'firefox111', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

if (process.argv.includes('--watch')) {
  const ctx = await context({ ...options, logLevel: 'info' });
  await ctx.watch();
} else {
  await build(options);
}
