import { isPlainObject } from '../event/validate.js';
import { setOwn } from '../own.js';
import type { SnsMessageAttribute } from './attributes.js';

/** The envelope of an SNS notification delivered to SQS without raw delivery. */
export interface SnsNotification {
  type: 'Notification';
  messageId: string;
  topicArn: string;
  /** Only present when the publisher set one. */
  subject?: string;
  /** The inner message, as published (decoded separately). */
  message: string;
  /** ISO-8601 with milliseconds, as SNS wrote it. */
  timestamp: string;
  /** Publisher's message attributes, `{ Type: 'String' | 'String.Array' | 'Number' | 'Binary', Value }`. */
  messageAttributes: Record<string, SnsMessageAttribute>;
  signatureVersion?: string;
  signature?: string;
  signingCertUrl?: string;
  unsubscribeUrl?: string;
}

/** A subscription handshake message: recognised, never processed as an event. */
export interface SnsConfirmation {
  kind: 'sns-confirmation';
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  messageId: string;
  topicArn: string;
  token?: string;
  subscribeUrl?: string;
  message?: string;
  timestamp?: string;
}

/** What an SQS body is, seen as a possible SNS envelope. */
export type SnsEnvelope = { kind: 'notification'; notification: SnsNotification } | SnsConfirmation;

/**
 * Recognises an SNS envelope in an already parsed body: a `Notification` needs `Type`, `MessageId`,
 * `TopicArn`, a string `Message` and `Timestamp`; confirmations need `Type`, `MessageId`, `TopicArn`.
 * @returns `undefined` when the value is not an SNS envelope (then it is an ordinary body).
 */
export function parseSnsEnvelope(value: unknown): SnsEnvelope | undefined {
  if (!isPlainObject(value)) return undefined;
  const { Type, MessageId, TopicArn } = value;
  if (typeof Type !== 'string' || typeof MessageId !== 'string' || typeof TopicArn !== 'string')
    return undefined;
  if (Type === 'Notification') {
    if (typeof value.Message !== 'string' || typeof value.Timestamp !== 'string') return undefined;
    const notification: SnsNotification = {
      type: 'Notification',
      messageId: MessageId,
      topicArn: TopicArn,
      message: value.Message,
      timestamp: value.Timestamp,
      messageAttributes: readAttributes(value.MessageAttributes),
    };
    copyString(value, 'Subject', notification, 'subject');
    copyString(value, 'SignatureVersion', notification, 'signatureVersion');
    copyString(value, 'Signature', notification, 'signature');
    copyString(value, 'SigningCertURL', notification, 'signingCertUrl');
    copyString(value, 'UnsubscribeURL', notification, 'unsubscribeUrl');
    return { kind: 'notification', notification };
  }
  if (Type === 'SubscriptionConfirmation' || Type === 'UnsubscribeConfirmation') {
    const confirmation: SnsConfirmation = {
      kind: 'sns-confirmation',
      type: Type,
      messageId: MessageId,
      topicArn: TopicArn,
    };
    copyString(value, 'Token', confirmation, 'token');
    copyString(value, 'SubscribeURL', confirmation, 'subscribeUrl');
    copyString(value, 'Message', confirmation, 'message');
    copyString(value, 'Timestamp', confirmation, 'timestamp');
    return confirmation;
  }
  return undefined;
}

function readAttributes(value: unknown): Record<string, SnsMessageAttribute> {
  const out: Record<string, SnsMessageAttribute> = {};
  if (!isPlainObject(value)) return out;
  for (const [name, attribute] of Object.entries(value)) {
    if (
      isPlainObject(attribute) &&
      typeof attribute.Type === 'string' &&
      typeof attribute.Value === 'string'
    ) {
      setOwn(out, name, { Type: attribute.Type, Value: attribute.Value });
    }
  }
  return out;
}

function copyString<T extends object>(from: Record<string, unknown>, key: string, to: T, as: keyof T): void {
  const value = from[key];
  if (typeof value === 'string') (to as Record<keyof T, unknown>)[as] = value;
}
