import { decodeJsonInput, parseTarget } from './json.js';

/**
 * What a per-request log line (`mega serve --verbose`) says about a request: its action and the queue
 * or topic it names. Read from the request as it arrived, whichever protocol carried it, so that a
 * request the broker refused still gets a line.
 */
export interface RequestSummary {
  /** `SendMessage`, `Publish`…; for other routes the method and path (`GET /health`). */
  action: string;
  /** The queue (URL or name) or topic (ARN) the request names, when it names one. */
  queue?: string;
}

const TARGETS = ['QueueUrl', 'QueueName', 'TopicArn', 'SourceArn', 'SubscriptionArn'] as const;

/** The action and queue of a request (`body` is empty for a refused one). */
export function summarizeRequest(
  method: string,
  path: string,
  query: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): RequestSummary {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const input = body.length > 0 ? decodeJsonInput(body) : undefined;
    return { action: parseTarget(target).action, queue: named((k) => input?.[k]) };
  }
  const form =
    method === 'POST' && body.length > 0 && isForm(headers['content-type'])
      ? new URLSearchParams(body.toString('utf8'))
      : undefined;
  const param = (k: string) => form?.get(k) ?? query.get(k) ?? undefined;
  const action = param('Action');
  if (action === undefined) return { action: `${method} ${path}` };
  const queue = named(param) ?? (/^\/[^/]+\/[^/]+\/?$/.test(path) ? path : undefined);
  return { action, queue };
}

function named(get: (key: string) => unknown): string | undefined {
  for (const key of TARGETS) {
    const value = get(key);
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function isForm(type: string | string[] | undefined): boolean {
  return typeof type === 'string' && type.startsWith('application/x-www-form-urlencoded');
}
