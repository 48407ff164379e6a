/** The fields SNS signs, in the order it signs them, per message type. */
const SIGNED_FIELDS: Record<string, readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** Whether `type` is an SNS message type that carries a signature (Notification and the two confirmations). */
export function isSignedSnsType(type: unknown): type is string {
  return typeof type === 'string' && SIGNED_FIELDS[type] !== undefined;
}

/**
 * The string SNS signs for a message (SignatureVersion 1 and 2 alike): `name\nvalue\n` for each of its
 * type's signed fields that is present, in order. Empty for a type SNS does not sign.
 */
export function snsStringToSign(message: Record<string, unknown>): string {
  let out = '';
  for (const name of SIGNED_FIELDS[String(message.Type)] ?? []) {
    const value = message[name];
    if (value !== undefined) out += `${name}\n${String(value)}\n`;
  }
  return out;
}
