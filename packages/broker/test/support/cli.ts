// Runs the mega CLI from its sources as a child process, as a user's shell would (for the CLI tests).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI's entry point (TypeScript, run through tsx). */
export const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mega <args>` as a child process (no colours: stdout is a pipe), with the environment a user
 * has: no NODE_NO_WARNINGS, no AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED (the test runner sets
 * it for its own processes).
 */
export function mega(args: string[], input?: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_PROFILE: '',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };
    delete env.NODE_NO_WARNINGS;
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    Object.assign(env, extraEnv);
    const child = execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CLI, ...args],
      {
        env,
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
