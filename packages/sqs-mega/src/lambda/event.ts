import type { Message } from '@aws-sdk/client-sqs';

/** One message attribute as Lambda gives it: camelCase, with the (always empty) list fields. */
export interface SqsRecordMessageAttribute {
  stringValue?: string;
  /** Base64. */
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

/** One record of an SQS event, in Lambda's shape and key order. */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsRecordMessageAttribute>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** The event Lambda passes to a function mapped to an SQS queue. */
export interface SqsEvent {
  Records: SqsRecord[];
}

// The order Lambda lists system attributes in: standard queues, then the FIFO-only ones in between.
const ATTRIBUTE_ORDER = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'SenderId',
  'MessageDeduplicationId',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
];

/**
 * An SQS message (as ReceiveMessage returns it, with all attributes) as a Lambda SQS record:
 * `messageAttributes` camelCased with `binaryValue` in base64 and empty list fields, system
 * `attributes` in Lambda's order, `eventSource: 'aws:sqs'`, the queue's ARN and its region.
 */
export function toSqsRecord(message: Message, queueArn: string): SqsRecord {
  const system = (message.Attributes ?? {}) as Record<string, string>;
  const attributes: Record<string, string> = {};
  for (const name of ATTRIBUTE_ORDER) if (system[name] !== undefined) attributes[name] = system[name];
  for (const [name, value] of Object.entries(system)) if (!(name in attributes)) attributes[name] = value;
  const messageAttributes: Record<string, SqsRecordMessageAttribute> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType ?? 'String',
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? '',
  };
}
