#!/usr/bin/env node
// The `mega` bin. It is committed (not built) so that npm can link it when it installs the package,
// which in a fresh clone of the repository happens before `prepare` has built dist/; it then loads
// the built CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// engines says >=20.19: on an older Node the CLI would fail with a SyntaxError about a missing export.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(
    `mega: Node.js >= 20.19 is required; this is ${process.version}. Install Node 22 or 24 (LTS).\n`,
  );
  process.exit(1);
}

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    `mega: the CLI is not built (${fileURLToPath(cli)} is missing).\n` +
      'In a clone of the sqs-mega repository, run `npm run build` (npm install runs it too).\n',
  );
  process.exit(1);
}
await import(cli.href);
