import { MegaError } from '../errors.js';

/** SQS and SNS limits the publishers enforce before sending. */
export const LIMITS = {
  /** Message attributes per message (SQS; SNS raw delivery to SQS keeps the same limit). */
  maxAttributes: 10,
  /** Entries per SendMessageBatch / PublishBatch / DeleteMessageBatch. */
  maxBatchEntries: 10,
  /** SQS message size (body + attributes) and SendMessageBatch total, in bytes: 1 MiB. */
  sqsMaxBytes: 1_048_576,
  /** SNS message size and PublishBatch total, in bytes: 256 KiB. */
  snsMaxBytes: 262_144,
  /** Per-message DelaySeconds range (standard queues only). */
  maxDelaySeconds: 900,
} as const;

/** A message cannot be published: `field` names what broke the rule, `limit` the rule's bound if any. */
export class PublishError extends MegaError {
  override name = 'PublishError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly rule: string,
    readonly limit?: number,
  ) {
    super(`Cannot publish: ${field} ${rule}${limit === undefined ? '' : ` (limit ${limit})`} (got ${value})`);
  }
}

/**
 * One batch entry rejected by SQS/SNS (the rest of the batch may have succeeded): `code` is the
 * AWS error code (`InvalidParameterValue`, …), `senderFault` tells whose fault it is.
 */
export class PublishEntryError extends MegaError {
  override name = 'PublishEntryError';
  constructor(
    readonly code: string,
    message: string,
    readonly senderFault: boolean,
  ) {
    super(`${code}: ${message}`);
  }
}

/** A message attribute in the SDK's shape. */
export interface AttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

/** Bytes SQS counts for a message: the body plus every attribute's name, type and value. */
export function messageBytes(body: string, attributes: Record<string, AttributeValue>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8');
    if (value.StringValue !== undefined) size += Buffer.byteLength(value.StringValue, 'utf8');
    if (value.BinaryValue !== undefined) size += value.BinaryValue.byteLength;
  }
  return size;
}
