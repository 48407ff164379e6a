import type { ApiError, Command, CommandResults, DashboardState, PeekResult } from '../src/dashboard/api.js';

/** The page's CSRF token, embedded by the broker; sent with every state-changing request. */
const csrf = document.querySelector<HTMLMetaElement>('meta[name="mega-csrf"]')?.content ?? '';

/** An error the API answered with (an AWS error code and message, e.g. `QueueDoesNotExist`). */
export class RequestFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & Partial<ApiError>;
  if (!response.ok) {
    throw new RequestFailed(body.error ?? String(response.status), body.message ?? response.statusText);
  }
  return body;
}

export async function fetchState(): Promise<DashboardState> {
  return answer(await fetch('/_mega/api/state'));
}

export async function peek(region: string, queue: string, limit = 20): Promise<PeekResult> {
  const q = new URLSearchParams({ region, queue, limit: String(limit) });
  return answer(await fetch(`/_mega/api/peek?${q}`));
}

/** POSTs a command (`send`, `purge`, `redrive`) with the CSRF token; answers its SQS action's output. */
export async function command<C extends Command>(name: C, body: object): Promise<CommandResults[C]> {
  return answer(
    await fetch(`/_mega/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mega-csrf': csrf },
      body: JSON.stringify(body),
    }),
  );
}

/**
 * Subscribes to the broker's `state` events (about one a second). `onState` gets each snapshot;
 * `onLive` tells whether events are arriving (false after 4 s without one).
 */
export function subscribe(
  onState: (state: DashboardState) => void,
  onLive: (live: boolean) => void,
): () => void {
  const source = new EventSource('/_mega/events');
  let lastAt = 0;
  source.addEventListener('state', (event) => {
    lastAt = Date.now();
    onLive(true);
    onState(JSON.parse((event as MessageEvent<string>).data) as DashboardState);
  });
  const check = setInterval(() => onLive(Date.now() - lastAt < 4000), 1000);
  return () => {
    clearInterval(check);
    source.close();
  };
}
