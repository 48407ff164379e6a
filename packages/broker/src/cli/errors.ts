// What the CLI prints for a failure, and the error of a mistaken call: without the AWS SDK, so that
// `mega serve` need not load it (see cli.ts).

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The code and message of an AWS error (`QueueDoesNotExist: The specified queue does not exist.`). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { Code?: string; $metadata?: unknown; $fault?: string };
  if (e.$metadata !== undefined || e.$fault !== undefined) {
    const code = e.Code && e.Code !== e.name ? `${e.name} (${e.Code})` : e.name;
    return `${code}: ${e.message}`;
  }
  return e.message;
}
