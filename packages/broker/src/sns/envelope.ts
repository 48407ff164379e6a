import { setOwn } from 'sqs-mega/core';
import type { PublishAttribute } from './validation.js';

/** What a notification carries, before it is rendered for one subscription. */
export interface Notification {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  /** Publish time, ms since the epoch. */
  timestamp: number;
  attributes: Record<string, PublishAttribute>;
  sequenceNumber?: string;
  groupId?: string;
  dedupId?: string;
  /** A re-delivery from the topic's archive (ReplayPolicy): the envelope then carries `"Replayed": true`. */
  replayed?: boolean;
}

/** How envelopes are signed and which links they carry. */
export interface Signer {
  sign(fields: Record<string, unknown>, version: '1' | '2'): string;
  /** `https://HOST/sns/SimpleNotificationService-….pem` */
  certUrl(origin: string): string;
}

/**
 * The JSON envelope SNS delivers for a notification, member for member in AWS's order: Type,
 * MessageId, (SequenceNumber), TopicArn, (Subject), Message, Timestamp, SignatureVersion, Signature,
 * SigningCertURL, UnsubscribeURL, (MessageAttributes as `{Type, Value}`).
 */
export function notificationEnvelope(
  n: Notification,
  message: string,
  links: { origin: string; unsubscribeUrl: string; signatureVersion: '1' | '2' },
  signer: Signer,
): string {
  const fields: Record<string, unknown> = { Type: 'Notification', MessageId: n.messageId };
  if (n.sequenceNumber !== undefined) fields.SequenceNumber = n.sequenceNumber;
  fields.TopicArn = n.topicArn;
  if (n.subject !== undefined) fields.Subject = n.subject;
  fields.Message = message;
  fields.Timestamp = new Date(n.timestamp).toISOString();
  fields.SignatureVersion = links.signatureVersion;
  fields.Signature = signer.sign(fields, links.signatureVersion);
  fields.SigningCertURL = signer.certUrl(links.origin);
  fields.UnsubscribeURL = links.unsubscribeUrl;
  const names = Object.keys(n.attributes);
  if (names.length > 0) {
    const attributes: Record<string, { Type: string; Value: string }> = {};
    for (const name of names) {
      const a = n.attributes[name] as PublishAttribute;
      setOwn(attributes, name, { Type: a.DataType, Value: (a.StringValue ?? a.BinaryValue) as string });
    }
    fields.MessageAttributes = attributes;
  }
  if (n.replayed) fields.Replayed = true;
  return JSON.stringify(fields);
}

/** The `SubscriptionConfirmation` SNS POSTs to a new HTTP/S subscription. */
export function confirmationEnvelope(
  c: { messageId: string; topicArn: string; token: string; subscribeUrl: string; timestamp: number },
  links: { origin: string; signatureVersion: '1' | '2' },
  signer: Signer,
): string {
  const fields: Record<string, unknown> = {
    Type: 'SubscriptionConfirmation',
    MessageId: c.messageId,
    Token: c.token,
    TopicArn: c.topicArn,
    Message: `You have chosen to subscribe to the topic ${c.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: c.subscribeUrl,
    Timestamp: new Date(c.timestamp).toISOString(),
    SignatureVersion: links.signatureVersion,
  };
  fields.Signature = signer.sign(fields, links.signatureVersion);
  fields.SigningCertURL = signer.certUrl(links.origin);
  return JSON.stringify(fields);
}
