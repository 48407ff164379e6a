// The SNS calls the fan-out row makes itself, as raw Query requests (SNS speaks only Query).

async function snsCall(url: string, action: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: '2010-03-31', ...params });
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${action} failed: HTTP ${response.status} ${text}`);
  return text;
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';

export async function createTopic(url: string, name: string): Promise<string> {
  return tag(await snsCall(url, 'CreateTopic', { Name: name }), 'TopicArn');
}

export async function deleteTopic(url: string, topicArn: string): Promise<void> {
  await snsCall(url, 'DeleteTopic', { TopicArn: topicArn });
}

/** Subscribes an SQS queue (by ARN) with raw delivery and a filter policy. */
export async function subscribeQueue(url: string, topicArn: string, queueArn: string, filterPolicy: object) {
  await snsCall(url, 'Subscribe', {
    TopicArn: topicArn,
    Protocol: 'sqs',
    Endpoint: queueArn,
    'Attributes.entry.1.key': 'RawMessageDelivery',
    'Attributes.entry.1.value': 'true',
    'Attributes.entry.2.key': 'FilterPolicy',
    'Attributes.entry.2.value': JSON.stringify(filterPolicy),
  });
}

/** Publishes one message with the String attribute `kind` (as the fan-out row's wrk script does). */
export async function publishKind(url: string, topicArn: string, kind: string): Promise<void> {
  await snsCall(url, 'Publish', {
    TopicArn: topicArn,
    Message: 'probe',
    'MessageAttributes.entry.1.Name': 'kind',
    'MessageAttributes.entry.1.Value.DataType': 'String',
    'MessageAttributes.entry.1.Value.StringValue': kind,
  });
}
