import type { Message } from '@aws-sdk/client-sqs';

/** Message attributes sqsd sets on the messages of periodic tasks (and reads back to POST them). */
export const PERIODIC_ATTRIBUTES = {
  taskName: 'beanstalk.sqsd.task_name',
  scheduledAt: 'beanstalk.sqsd.scheduled_time',
  path: 'beanstalk.sqsd.path',
} as const;

/** What a periodic task's message says: its name, when it was scheduled (ISO-8601) and its path. */
export interface PeriodicTask {
  name: string;
  scheduledAt: string;
  path: string;
}

/** The periodic task a message carries, when it is one (it has sqsd's task attributes). */
export function periodicTaskOf(message: Message): PeriodicTask | undefined {
  const attributes = message.MessageAttributes ?? {};
  const name = attributes[PERIODIC_ATTRIBUTES.taskName]?.StringValue;
  const path = attributes[PERIODIC_ATTRIBUTES.path]?.StringValue;
  if (name === undefined || path === undefined) return undefined;
  return { name, path, scheduledAt: attributes[PERIODIC_ATTRIBUTES.scheduledAt]?.StringValue ?? '' };
}

/** `User-Agent` of the worker's POSTs: starts like sqsd's (`aws-sqsd`), then says which one it is. */
export const USER_AGENT = 'aws-sqsd (sqs-mega worker)';

/**
 * The HTTP headers sqsd sends with a message: `Content-Type` (the message's `Content-Type` attribute,
 * else `mimeType`), `X-Aws-Sqsd-Msgid`, `-Queue` (the queue's name), `-First-Received-At` (ISO-8601,
 * UTC), `-Receive-Count`, `-Sender-Id`, one `X-Aws-Sqsd-Attr-<name>` per message attribute (Binary
 * values in base64); for a periodic task `X-Aws-Sqsd-Taskname`, `-Scheduled-At` and `-Path` instead of
 * the task's own attributes. Values that are not printable ASCII are percent-encoded (HTTP headers
 * cannot carry them).
 */
export function sqsdHeaders(message: Message, queueName: string, mimeType: string): Record<string, string> {
  const system = message.Attributes ?? {};
  const attributes = message.MessageAttributes ?? {};
  const contentType = Object.entries(attributes).find(([name]) => name.toLowerCase() === 'content-type')?.[1]
    ?.StringValue;
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'content-type': contentType ?? mimeType,
    'x-aws-sqsd-msgid': message.MessageId ?? '',
    'x-aws-sqsd-queue': queueName,
    'x-aws-sqsd-receive-count': system.ApproximateReceiveCount ?? '1',
  };
  const first = Number(system.ApproximateFirstReceiveTimestamp);
  if (Number.isFinite(first) && first > 0)
    headers['x-aws-sqsd-first-received-at'] = new Date(first).toISOString();
  if (system.SenderId) headers['x-aws-sqsd-sender-id'] = system.SenderId;
  const task = periodicTaskOf(message);
  if (task) {
    headers['x-aws-sqsd-taskname'] = task.name;
    headers['x-aws-sqsd-scheduled-at'] = task.scheduledAt;
    headers['x-aws-sqsd-path'] = task.path;
  }
  for (const [name, value] of Object.entries(attributes)) {
    if (task && Object.values(PERIODIC_ATTRIBUTES).includes(name as never)) continue;
    const text =
      value.StringValue ?? (value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : '');
    headers[`x-aws-sqsd-attr-${name.toLowerCase()}`] = text;
  }
  for (const [name, value] of Object.entries(headers)) headers[name] = headerSafe(value);
  return headers;
}

function headerSafe(value: string): string {
  return /^[\t\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
