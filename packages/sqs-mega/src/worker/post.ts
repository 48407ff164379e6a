/** How one POST to the application ended. */
export type PostResult =
  | { ok: true; status: number }
  | { ok: false; status: number; reason: string }
  | { ok: false; status: undefined; reason: string };

/**
 * POSTs `body` to `url` and reads the answer to its end. A 2xx is success; any other status, a reset
 * or refused connection, or no complete answer within `timeoutMs` (the inactivity timeout) is a
 * failure with its reason. Never throws. `signal` aborts the request (shutdown's deadline).
 */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PostResult> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout]),
    });
    await response.arrayBuffer();
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, reason: `HTTP ${response.status}` };
  } catch (error) {
    if (timeout.aborted) return { ok: false, status: undefined, reason: `no answer within ${timeoutMs} ms` };
    if (signal.aborted) return { ok: false, status: undefined, reason: 'worker shutting down' };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      status: undefined,
      reason: cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)),
    };
  }
}
