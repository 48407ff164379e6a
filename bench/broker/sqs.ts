// The few SQS calls the bench makes itself (queue setup and checks), as raw JSON 1.0 requests.

/** Calls `action` on the server at `url`; throws on a non-200 answer. */
export async function call(url: string, action: string, input: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: { 'x-amz-target': `AmazonSQS.${action}`, 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${action} failed: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Creates the queue `name` (30 s visibility, no long polling; FIFO if asked); returns its URL. */
export async function createQueue(url: string, name: string, fifo = false): Promise<string> {
  const input = fifo ? { QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true' } } : { QueueName: name };
  const output = await call(url, 'CreateQueue', input);
  return String(output.QueueUrl);
}

export async function deleteQueue(url: string, queueUrl: string): Promise<void> {
  await call(url, 'DeleteQueue', { QueueUrl: queueUrl });
}

/** `ApproximateNumberOfMessages` (visible messages) of a queue. */
export async function visibleMessages(url: string, queueUrl: string): Promise<number> {
  const output = await call(url, 'GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages'],
  });
  const attributes = output.Attributes as Record<string, string> | undefined;
  return Number(attributes?.ApproximateNumberOfMessages ?? Number.NaN);
}

/**
 * Waits until the broker has freed the messages of the queues deleted so far (its `/health` says
 * `reclaimingDeletedQueues: 0`), so that the next cell does not share the CPU with that background
 * work; returns the seconds waited. Servers without the field (the peers) return at once.
 */
export async function reclaimed(url: string, timeoutMs = 300_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    const response = await fetch(`${url}/health`).catch(() => undefined);
    const health = response?.ok ? ((await response.json()) as { reclaimingDeletedQueues?: number }) : {};
    if (!health.reclaimingDeletedQueues) return (performance.now() - start) / 1000;
    if (performance.now() - start > timeoutMs)
      throw new Error(`${url} still reclaiming deleted queues after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
