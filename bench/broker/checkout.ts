// Another revision of this repository, checked out and built next to it for bench/ab.ts: a detached
// git worktree whose node_modules links to this checkout's (so nothing is installed), except the two
// workspace packages, which point at the worktree's own.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBroker, ROOT } from './servers.js';

const WORKSPACE_PACKAGES: Record<string, string> = {
  'sqs-mega': 'packages/sqs-mega',
  'sqs-mega-broker': 'packages/broker',
};

export interface Checkout {
  /** The worktree's directory. */
  readonly root: string;
  /** The commit it holds. */
  readonly commit: string;
  remove(): void;
}

/**
 * Checks out `revision` into a temporary worktree and builds it (`npm run build`). It uses today's
 * node_modules: a revision whose dependencies differ may not build.
 */
export function checkoutAndBuild(revision: string): Checkout {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  let commit: string;
  try {
    commit = git('rev-parse', '--verify', '--quiet', `${revision}^{commit}`);
  } catch {
    throw new Error(`--base=${revision}: no such revision in ${ROOT}`);
  }
  const root = mkdtempSync(join(tmpdir(), 'mega-ab-'));
  const remove = () => {
    rmSync(root, { recursive: true, force: true });
    git('worktree', 'prune'); // forgets the worktree whose directory is gone
  };
  try {
    git('worktree', 'add', '--detach', root, commit);
    const modules = join(root, 'node_modules');
    mkdirSync(modules);
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      const own = WORKSPACE_PACKAGES[entry];
      symlinkSync(own ? join(root, own) : join(ROOT, 'node_modules', entry), join(modules, entry));
    }
    buildBroker(root);
  } catch (error) {
    remove();
    throw error;
  }
  return { root, commit, remove };
}
