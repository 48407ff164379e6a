// Hostile requests for the fuzz suite (test/fuzz.test.ts) and its long run (bench/fuzz.ts): malformed,
// truncated, oversized, wrongly typed, over both protocols (JSON 1.0 and Query; SQS and SNS), and the
// check that every answer is 200 or a well-formed AWS error of the request's protocol with a 4xx status.
import fc from 'fast-check';
import type { RawRequest, RawResponse } from './raw-http.js';

export const SQS_ACTIONS = [
  'CreateQueue',
  'GetQueueUrl',
  'ListQueues',
  'GetQueueAttributes',
  'SetQueueAttributes',
  'DeleteQueue',
  'PurgeQueue',
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'TagQueue',
  'UntagQueue',
  'ListQueueTags',
  'ListDeadLetterSourceQueues',
  'AddPermission',
  'RemovePermission',
  'StartMessageMoveTask',
  'ListMessageMoveTasks',
  'CancelMessageMoveTask',
];
export const SNS_ACTIONS = [
  'CreateTopic',
  'DeleteTopic',
  'ListTopics',
  'GetTopicAttributes',
  'SetTopicAttributes',
  'Subscribe',
  'ConfirmSubscription',
  'Unsubscribe',
  'ListSubscriptions',
  'ListSubscriptionsByTopic',
  'GetSubscriptionAttributes',
  'SetSubscriptionAttributes',
  'Publish',
  'PublishBatch',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
];
const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ''];

/** Real names the fuzzer aims at (queues and a topic that exist), so requests get past "not found". */
export interface Targets {
  queueUrls: string[];
  queueNames: string[];
  topicArns: string[];
  receiptHandles: string[];
}

const FIELDS = [
  'QueueUrl',
  'QueueName',
  'QueueNamePrefix',
  'MessageBody',
  'DelaySeconds',
  'MessageAttributes',
  'MessageSystemAttributes',
  'MessageGroupId',
  'MessageDeduplicationId',
  'Attributes',
  'AttributeNames',
  'MessageAttributeNames',
  'MessageSystemAttributeNames',
  'MaxNumberOfMessages',
  'MaxResults',
  'NextToken',
  'VisibilityTimeout',
  'WaitTimeSeconds',
  'ReceiveRequestAttemptId',
  'ReceiptHandle',
  'Entries',
  'Tags',
  'TagKeys',
  'Label',
  'SourceArn',
  'DestinationArn',
  'TaskHandle',
  'TopicArn',
  'Name',
  'Protocol',
  'Endpoint',
  'Message',
  'Subject',
  'MessageStructure',
  'PublishBatchRequestEntries',
  'SubscriptionArn',
  'AttributeName',
  'AttributeValue',
  'Token',
  'ResourceArn',
  'PhoneNumber',
  ...HOSTILE_NAMES,
];

const INTS = fc.oneof(
  fc.constantFrom(-1, 0, 1, 10, 11, 20, 21, 43_200, 43_201, 900, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308),
  fc.integer({ min: -1000, max: 100_000 }),
  fc.double(),
);

/** Strings as hostile clients send them: odd characters, lone surrogates, long, almost-valid. */
function strings(targets: Targets): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom('\uD800', '\uDFFF\uD800', '\u0000', '\uFFFE', '\u0008x') },
    { weight: 10, arbitrary: fc.constantFrom(...targets.queueUrls, ...targets.queueNames) },
    { weight: 4, arbitrary: fc.constantFrom(...targets.topicArns) },
    { weight: 4, arbitrary: receiptHandle(targets) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NAMES, 'true', 'null', '{}', '[]', '1e999', '-0') },
  );
}

/** Receipt handles: real ones, real ones altered, and garbage. */
function receiptHandle(targets: Targets): fc.Arbitrary<string> {
  const real = targets.receiptHandles.length > 0 ? targets.receiptHandles : ['AQEB'];
  return fc.oneof(
    fc.constantFrom(...real),
    fc
      .tuple(fc.constantFrom(...real), fc.nat({ max: 200 }), fc.string({ maxLength: 4 }))
      .map(([h, at, s]) => h.slice(0, at) + s + h.slice(at + s.length)),
    fc.base64String({ maxLength: 400 }),
    fc.string({ maxLength: 100 }),
  );
}

/** Any JSON value, nested a little, with the hostile keys among its object keys. */
function values(targets: Targets): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    fc.constantFrom(...FIELDS, 'DataType', 'StringValue', 'BinaryValue', 'Id'),
    fc.string({ maxLength: 8 }),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      strings(targets),
      INTS,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 12 }),
      fc.dictionary(key, tie('value'), { maxKeys: 12 }),
    ),
  }));
  return value;
}

/** A message attribute map, valid-looking or not, up to thousands of entries. */
function messageAttributes(targets: Targets): fc.Arbitrary<Record<string, unknown>> {
  const attr = fc.record(
    {
      DataType: fc.constantFrom('String', 'Number', 'Binary', 'String.x', 'Number.int', 'Foo', ''),
      StringValue: strings(targets),
      BinaryValue: fc.base64String({ maxLength: 40 }),
    },
    { requiredKeys: [] },
  );
  return fc.dictionary(fc.string({ maxLength: 12 }), attr, { maxKeys: 12 });
}

/** Oversized parts, at most one per request: a huge field, thousands of attributes, a huge batch id. */
function oversized(): fc.Arbitrary<Record<string, unknown>> {
  const big = fc.nat({ max: 300_000 }).map((n) => 'x'.repeat(n));
  return fc.oneof(
    fc
      .tuple(
        fc.constantFrom('MessageBody', 'QueueName', 'QueueUrl', 'ReceiptHandle', 'Message', 'TopicArn'),
        big,
      )
      .map(([field, value]) => ({ [field]: value })),
    fc.nat({ max: 5000 }).map((n) => {
      const attributes: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) attributes[`a${i}`] = { DataType: 'String', StringValue: 'v' };
      return { MessageAttributes: attributes };
    }),
    fc.tuple(fc.constantFrom('Entries', 'PublishBatchRequestEntries'), big).map(([field, id]) => ({
      [field]: Array.from({ length: 10 }, (_, i) => ({ Id: `${id}${i}`, MessageBody: 'b', Message: 'b' })),
    })),
    fc.nat({ max: 20 }).map((n) => ({
      Entries: Array.from({ length: n }, () => ({ Id: 'same', MessageBody: 'x'.repeat(200_000) })),
    })),
  );
}

/** Batch entries: up to 12, ids that repeat, are invalid or huge. */
function entries(targets: Targets): fc.Arbitrary<unknown[]> {
  const id = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'a', '', '__proto__', 'x'.repeat(81)) },
    { weight: 4, arbitrary: fc.string({ maxLength: 10 }) },
  );
  const entry = fc.record(
    {
      Id: id,
      MessageBody: strings(targets),
      Message: strings(targets),
      ReceiptHandle: receiptHandle(targets),
      VisibilityTimeout: INTS,
      DelaySeconds: INTS,
      MessageGroupId: strings(targets),
      MessageAttributes: messageAttributes(targets),
    },
    { requiredKeys: [] },
  );
  return fc.array(entry, { maxLength: 12 });
}

/** The input object of an action: known fields with odd values, unknown and hostile fields. */
function input(targets: Targets): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        QueueUrl: strings(targets),
        QueueName: strings(targets),
        TopicArn: strings(targets),
        MessageBody: strings(targets),
        Message: strings(targets),
        ReceiptHandle: receiptHandle(targets),
        MessageAttributes: messageAttributes(targets),
        Entries: entries(targets),
        PublishBatchRequestEntries: entries(targets),
        Attributes: fc.dictionary(
          fc.oneof(
            fc.constantFrom(...FIELDS, 'VisibilityTimeout', 'RedrivePolicy', 'FifoQueue', 'Policy'),
            fc.string(),
          ),
          strings(targets),
          { maxKeys: 6 },
        ),
        MaxNumberOfMessages: INTS,
        // Never a valid long poll: the suite must not wait 20 s on an empty queue.
        WaitTimeSeconds: fc.constantFrom(0, -1, 21, '5', 'x', null),
        extra: fc.dictionary(fc.constantFrom(...FIELDS), values(targets), { maxKeys: 4 }),
        huge: fc.oneof(
          { weight: 30, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: oversized() },
        ),
      },
      { requiredKeys: [] },
    )
    .map(({ extra, huge, ...known }) => ({ ...extra, ...known, ...(huge ?? {}) }));
}

/** Form-encodes an input object the Query way (`A.1.B=x`, `Entries.member.1.Id=…`), oddities and all. */
function toForm(value: unknown, prefix: string, out: Array<[string, string]>): void {
  if (out.length > 20_000) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      toForm(value[i], `${prefix}${prefix ? '.' : ''}member.${i + 1}`, out);
  } else if (value !== null && typeof value === 'object') {
    let i = 0;
    for (const [k, v] of Object.entries(value)) {
      i++;
      if (prefix.endsWith('Attributes') || prefix.endsWith('Tags')) {
        out.push([`${prefix}.entry.${i}.key`, k]);
        toForm(v, `${prefix}.entry.${i}.value`, out);
      } else toForm(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else out.push([prefix || 'X', String(value)]);
}

const CONTENT_TYPES = [
  'application/x-amz-json-1.0',
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded; charset=latin1',
];

/** Mangles a body: truncates it, splices invalid UTF-8 in, or leaves it. */
function mangle(body: Buffer, how: number, at: number): Buffer {
  switch (how) {
    case 1:
      return body.subarray(0, Math.floor(body.length * (at / 100)));
    case 2: {
      const cut = Math.floor(body.length * (at / 100));
      return Buffer.concat([
        body.subarray(0, cut),
        Buffer.from([0xff, 0xc0, 0x80, 0xed, 0xa0, 0x80]),
        body.subarray(cut),
      ]);
    }
    default:
      return body;
  }
}

export type Protocol = 'json' | 'query-sqs' | 'query-sns';

export interface FuzzRequest extends RawRequest {
  protocol: Protocol;
  label: string;
}

/** A random hostile request of any protocol. */
export function fuzzRequest(targets: Targets): fc.Arbitrary<FuzzRequest> {
  const action = (known: string[]) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...known) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...HOSTILE_NAMES, 'sendmessage', 'SendMessage ', 'A'.repeat(300)),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    );
  const mangling = fc.tuple(fc.constantFrom(0, 0, 0, 0, 1, 2), fc.nat({ max: 100 }));
  const json = fc
    .tuple(
      action(SQS_ACTIONS),
      input(targets),
      mangling,
      fc.constantFrom(...CONTENT_TYPES.slice(0, 3)),
      fc.constantFrom(0, 0, 0, 0, 0, 1, 2, 3),
    )
    .map(([act, body, [how, at], contentType, special]): FuzzRequest => {
      let raw = Buffer.from(JSON.stringify(body));
      if (special === 1) raw = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
      if (special === 2)
        raw = Buffer.from('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
      if (special === 3) raw = Buffer.from(`{"QueueUrl":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
      return {
        protocol: 'json',
        label: `JSON ${act}`,
        headers: { 'content-type': contentType, 'x-amz-target': `AmazonSQS.${act}` },
        body: mangle(raw, how, at),
      };
    });
  const query = (service: 'sqs' | 'sns') =>
    fc
      .tuple(
        action(service === 'sqs' ? SQS_ACTIONS : SNS_ACTIONS),
        input(targets),
        mangling,
        fc.boolean(),
        fc.constantFrom(0, 0, 0, 0, 1, 2),
      )
      .map(([act, body, [how, at], get, special]): FuzzRequest => {
        const pairs: Array<[string, string]> = [
          ['Action', act],
          ['Version', service === 'sqs' ? '2012-11-05' : '2010-03-31'],
        ];
        toForm(body, '', pairs);
        if (special === 1)
          pairs.push(
            ['__proto__.polluted', 'yes'],
            ['constructor.prototype.polluted', 'yes'],
            ['Attribute.1.Name', '__proto__'],
            ['Attribute.1.Value', 'x'],
          );
        if (special === 2)
          pairs.push(
            ['MessageAttribute.1.Name', 'a'],
            ['MessageAttribute.1.Value.DataType', 'String'],
            ['MessageAttribute.1.Value.StringValue', '%FF'],
            ['Entries.member.99999999999.Id', 'x'],
          );
        let form = new URLSearchParams(pairs).toString();
        if (how === 2) form += '&MessageBody=%FF%FE%ED%A0%80';
        const protocol: Protocol = service === 'sqs' ? 'query-sqs' : 'query-sns';
        if (get && form.length < 4000)
          return { protocol, label: `GET ${service} ${act}`, method: 'GET', path: `/?${form}` };
        return {
          protocol,
          label: `Query ${service} ${act}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: mangle(Buffer.from(form), how === 2 ? 0 : how, at),
        };
      });
  return fc.oneof(json, query('sqs'), query('sns'));
}

/**
 * Why an answer is not acceptable, or undefined when it is: 200, or a 4xx that is a well-formed AWS
 * error of the request's protocol (JSON: `__type`, `message` and `x-amzn-query-error`; Query: an
 * `<ErrorResponse>` document).
 */
export function badAnswer(req: FuzzRequest, res: RawResponse): string | undefined {
  if (res.status === 200) return undefined;
  if (res.status < 400 || res.status >= 500) return `status ${res.status}: ${res.body.slice(0, 300)}`;
  const contentType = String(res.headers['content-type'] ?? '');
  if (req.protocol === 'json' && req.headers?.['x-amz-target'] !== undefined) {
    if (!contentType.startsWith('application/x-amz-json-1.0'))
      return `JSON error with content-type ${contentType}`;
    let parsed: { __type?: unknown; message?: unknown };
    try {
      parsed = JSON.parse(res.body);
    } catch {
      return `JSON error body is not JSON: ${res.body.slice(0, 300)}`;
    }
    if (
      typeof parsed.__type !== 'string' ||
      !/^com\.amazon(aws\.sqs|\.coral\.service)#\w+$/.test(parsed.__type)
    )
      return `bad __type: ${res.body.slice(0, 300)}`;
    if (typeof parsed.message !== 'string') return `no message: ${res.body.slice(0, 300)}`;
    if (!/^[\w.]+;(Sender|Receiver)$/.test(String(res.headers['x-amzn-query-error'])))
      return `bad x-amzn-query-error: ${res.headers['x-amzn-query-error']}`;
    return undefined;
  }
  if (!contentType.startsWith('text/xml')) return `Query error with content-type ${contentType}`;
  if (
    !/^<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>[\w.]+<\/Code><Message>[^<]*<\/Message><Detail\/><\/Error><RequestId>[\w-]+<\/RequestId><\/ErrorResponse>$/.test(
      res.body,
    )
  )
    return `not a well-formed Query error: ${res.body.slice(0, 300)}`;
  return undefined;
}

/** The error code of an answer (for tallies): `200`, the JSON `__type` suffix or the Query `<Code>`. */
export function answerCode(res: RawResponse): string {
  if (res.status === 200) return '200';
  const json = /"__type":"[^"#]*#(\w+)"/.exec(res.body);
  if (json) return `${res.status} ${json[1]}`;
  const xml = /<Code>([\w.]+)<\/Code>/.exec(res.body);
  return `${res.status} ${xml ? xml[1] : '?'}`;
}
