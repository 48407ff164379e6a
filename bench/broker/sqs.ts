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
