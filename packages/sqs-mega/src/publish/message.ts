import { createHash } from 'node:crypto';
import type { ObjectEncoding } from '../codec/attributes.js';
import { codecNamed } from '../codec/codecs.js';
import { type EncodeOptions, encodePayload } from '../codec/encode.js';
import type { MegaEvent } from '../event/types.js';
import { setOwn } from '../own.js';
import { type AttributeValue, LIMITS, messageBytes, PublishError } from './limits.js';

/** MEGA event fields that can be copied into message attributes, so SNS filter policies can route on them. */
export type DerivedAttribute = 'name' | 'domain' | 'subject' | 'publisher' | 'version';

/** Attribute names of the derived attributes (`mega-event-name`, …). */
export const DERIVED_ATTRIBUTE_NAMES: Record<DerivedAttribute, string> = {
  name: 'mega-event-name',
  domain: 'mega-event-domain',
  subject: 'mega-event-subject',
  publisher: 'mega-event-publisher',
  version: 'mega-event-version',
};

/** A user attribute: a string (`String`), a number (`Number`), bytes (`Binary`) or the SDK's own shape. */
export type UserAttribute = string | number | Uint8Array | AttributeValue;

/** How a FIFO id is derived: a fixed string, `'subject'` (the MEGA event's subject), `'content'` (SHA-256 of the body), or a function. */
export type IdSource = string | ((payload: unknown, body: string) => string | undefined);

/** Per-message options of `publish`. */
export interface PublishOptions extends EncodeOptions {
  /** Extra message attributes (counted against the limit of 10). */
  attributes?: Record<string, UserAttribute>;
  /** FIFO message group id, or how to derive it (`'subject'`: the MEGA event's subject). Overrides the publisher's. */
  groupId?: IdSource;
  /** FIFO deduplication id, or how to derive it (`'content'`: SHA-256 of the body). Overrides the publisher's. */
  deduplicationId?: IdSource;
  /** Delivery delay, in seconds (0–900; SQS standard queues only). */
  delaySeconds?: number;
  /** SNS only: the notification's `Subject`. */
  subject?: string;
}

/** Publisher-wide settings that shape every message. */
export interface MessageDefaults {
  /** MEGA fields copied to attributes (default all of name, domain, subject, publisher; `false` for none). */
  derivedAttributes?: readonly DerivedAttribute[] | false;
  /** Add the `mega-encoding` marker (default true; costs one attribute). */
  encodingAttribute?: boolean;
  /** Default object codec: `json` (default), `bson`, or one added with `registerCodec`. */
  format?: ObjectEncoding;
  /** Default FIFO group id source (e.g. `'subject'`). */
  groupId?: IdSource;
  /** Default FIFO deduplication id source (e.g. `'content'`). */
  deduplicationId?: IdSource;
}

/** A message ready to send. */
export interface OutgoingMessage {
  body: string;
  attributes: Record<string, AttributeValue>;
  bytes: number;
  groupId?: string;
  deduplicationId?: string;
  delaySeconds?: number;
  subject?: string;
}

const DEFAULT_DERIVED: readonly DerivedAttribute[] = ['name', 'domain', 'subject', 'publisher'];

/**
 * Encodes a payload and assembles its attributes and FIFO ids, failing fast on the attribute count,
 * the size limit and FIFO rules.
 */
export function buildMessage(
  payload: unknown,
  options: PublishOptions,
  defaults: MessageDefaults,
  target: { fifo: boolean; maxBytes: number; sns: boolean },
): OutgoingMessage {
  const encoded = encodePayload(payload, { format: options.format ?? defaults.format ?? 'json' });
  const attributes: Record<string, AttributeValue> = {};
  if (defaults.encodingAttribute !== false) Object.assign(attributes, encoded.messageAttributes);
  if (codecNamed(encoded.encoding)?.carries === 'objects') {
    const event = megaEventOf(payload);
    if (event)
      Object.assign(attributes, derivedAttributes(event, defaults.derivedAttributes ?? DEFAULT_DERIVED));
  }
  for (const [name, value] of Object.entries(options.attributes ?? {}))
    setOwn(attributes, name, toAttribute(name, value));
  const count = Object.keys(attributes).length;
  if (count > LIMITS.maxAttributes)
    throw new PublishError(
      'attributes',
      `${count} attributes (${Object.keys(attributes).join(', ')})`,
      'exceed the message attribute limit; turn off derived attributes (derivedAttributes) or the encoding marker, or send fewer user attributes',
      LIMITS.maxAttributes,
    );
  const bytes = messageBytes(encoded.body, attributes);
  if (bytes > target.maxBytes)
    throw new PublishError(
      'message',
      `${bytes} bytes`,
      'is larger than the maximum message size',
      target.maxBytes,
    );
  const message: OutgoingMessage = { body: encoded.body, attributes, bytes };
  const groupId = deriveId(options.groupId ?? defaults.groupId, payload, encoded.body, 'groupId');
  const dedupId = deriveId(
    options.deduplicationId ?? defaults.deduplicationId,
    payload,
    encoded.body,
    'deduplicationId',
  );
  if (groupId !== undefined) message.groupId = groupId;
  if (dedupId !== undefined) message.deduplicationId = dedupId;
  if (target.fifo && groupId === undefined)
    throw new PublishError(
      'groupId',
      'nothing',
      "is required on FIFO targets (pass groupId, e.g. 'subject')",
    );
  if (options.delaySeconds !== undefined) {
    const delay = options.delaySeconds;
    if (target.sns) throw new PublishError('delaySeconds', delay, 'is not supported by SNS');
    if (target.fifo)
      throw new PublishError('delaySeconds', delay, 'is not supported per message on FIFO queues');
    if (!Number.isInteger(delay) || delay < 0 || delay > LIMITS.maxDelaySeconds)
      throw new PublishError('delaySeconds', delay, 'must be an integer from 0', LIMITS.maxDelaySeconds);
    message.delaySeconds = delay;
  }
  if (options.subject !== undefined) message.subject = options.subject;
  return message;
}

function megaEventOf(payload: unknown): MegaEvent | undefined {
  const p = payload as Partial<MegaEvent> | null;
  return p && typeof p === 'object' && p.protocol === 'mega' && p.version === 1 && p.event
    ? (p as MegaEvent)
    : undefined;
}

function derivedAttributes(
  event: MegaEvent,
  which: readonly DerivedAttribute[] | false,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!which) return out;
  for (const field of which) {
    const value = event.event[field];
    if (value === undefined || value === '') continue;
    out[DERIVED_ATTRIBUTE_NAMES[field]] =
      typeof value === 'number'
        ? { DataType: 'Number', StringValue: String(value) }
        : { DataType: 'String', StringValue: String(value) };
  }
  return out;
}

function toAttribute(name: string, value: UserAttribute): AttributeValue {
  if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || /^(aws\.|amazon\.)/i.test(name) || /(^\.|\.\.|\.$)/.test(name))
    throw new PublishError(
      `attributes.${name}`,
      name,
      'is not a valid attribute name ([A-Za-z0-9_.-], ≤ 256, no AWS./Amazon. prefix, no leading, trailing or double dots)',
    );
  if (typeof value === 'string') return { DataType: 'String', StringValue: value };
  if (typeof value === 'number') return { DataType: 'Number', StringValue: String(value) };
  if (value instanceof Uint8Array) return { DataType: 'Binary', BinaryValue: value };
  return value;
}

function deriveId(
  source: IdSource | undefined,
  payload: unknown,
  body: string,
  field: string,
): string | undefined {
  if (source === undefined) return undefined;
  if (typeof source === 'function') return source(payload, body);
  if (source === 'subject') {
    const subject = megaEventOf(payload)?.event.subject;
    if (subject === undefined)
      throw new PublishError(
        field,
        'subject',
        'is derived from the MEGA event subject, but the payload has none',
      );
    return subject;
  }
  if (source === 'content') return createHash('sha256').update(body).digest('hex');
  return source;
}
