import { READ_ONLY_QUEUE_ATTRIBUTES } from 'sqs-mega/core';
import { sqsErrors } from '../errors.js';
import type { QueueSettings, RedrivePolicy } from './types.js';

/**
 * The queue attributes SQS lets callers set, with their defaults and ranges. Values are kept as the
 * strings SQS returns; the numeric ones are also parsed into a {@link QueueSettings} for hot paths.
 */
interface AttributeSpec {
  /** Default value, or undefined when the attribute is absent until set. */
  default?: string;
  /** Only valid on FIFO queues. */
  fifoOnly?: boolean;
  /** Validates and normalizes a value; throws InvalidAttributeValue naming the attribute and limit. */
  check(value: string, name: string): string;
}

const integer =
  (min: number, max: number, unit: string) =>
  (value: string, name: string): string => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw sqsErrors.invalidAttributeValue(
        `Invalid value for the parameter ${name}: ${value.slice(0, 64)} (must be an integer from ${min} to ${max} ${unit}).`,
      );
    }
    return String(Number(value));
  };

const boolean = (value: string, name: string): string => {
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false') {
    throw sqsErrors.invalidAttributeValue(
      `Invalid value for the parameter ${name}: ${value.slice(0, 64)} (must be true or false).`,
    );
  }
  return lower;
};

const oneOf =
  (...allowed: string[]) =>
  (value: string, name: string): string => {
    if (!allowed.includes(value)) {
      throw sqsErrors.invalidAttributeValue(
        `Invalid value for the parameter ${name}: ${value.slice(0, 64)} (must be one of ${allowed.join(', ')}).`,
      );
    }
    return value;
  };

const json = (value: string, name: string): string => {
  if (value === '') return value;
  try {
    const parsed = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
  } catch {
    throw sqsErrors.invalidAttributeValue(`Invalid value for the parameter ${name}: must be a JSON object.`);
  }
  return value;
};

const text = (value: string) => value;

export const QUEUE_ATTRIBUTE_SPECS: Record<string, AttributeSpec> = {
  DelaySeconds: { default: '0', check: integer(0, 900, 'seconds') },
  MaximumMessageSize: { default: '1048576', check: integer(1024, 1048576, 'bytes') },
  MessageRetentionPeriod: { default: '345600', check: integer(60, 1209600, 'seconds') },
  ReceiveMessageWaitTimeSeconds: { default: '0', check: integer(0, 20, 'seconds') },
  VisibilityTimeout: { default: '30', check: integer(0, 43200, 'seconds') },
  Policy: { check: json },
  RedrivePolicy: { check: json },
  RedriveAllowPolicy: { check: json },
  KmsMasterKeyId: { check: text },
  KmsDataKeyReusePeriodSeconds: { check: integer(60, 86400, 'seconds') },
  // new queues have SSE-SQS on by default (AWS since 2022; nothing is encrypted here)
  SqsManagedSseEnabled: { default: 'true', check: boolean },
  // set at creation; SetQueueAttributes takes only `true` again (see checkQueueAttributes)
  FifoQueue: { fifoOnly: true, check: boolean },
  ContentBasedDeduplication: { fifoOnly: true, check: boolean },
  DeduplicationScope: { fifoOnly: true, check: oneOf('messageGroup', 'queue') },
  FifoThroughputLimit: { fifoOnly: true, check: oneOf('perQueue', 'perMessageGroupId') },
};

/** Every attribute name `GetQueueAttributes` accepts (besides `All`). */
export const READABLE_ATTRIBUTES = new Set<string>([
  ...Object.keys(QUEUE_ATTRIBUTE_SPECS),
  ...READ_ONLY_QUEUE_ATTRIBUTES,
]);

/** A queue's RedrivePolicy, if it has one (attributes are validated when set). */
export function redrivePolicyOf(attributes: Record<string, string>): RedrivePolicy | undefined {
  const value = attributes.RedrivePolicy;
  return value ? (JSON.parse(value) as RedrivePolicy) : undefined;
}

/** The settings a queue's attribute strings describe. */
export function settingsOf(attributes: Record<string, string>): QueueSettings {
  return {
    delaySeconds: Number(attributes.DelaySeconds ?? 0),
    maximumMessageSize: Number(attributes.MaximumMessageSize ?? 1048576),
    messageRetentionPeriod: Number(attributes.MessageRetentionPeriod ?? 345600),
    receiveMessageWaitTimeSeconds: Number(attributes.ReceiveMessageWaitTimeSeconds ?? 0),
    visibilityTimeout: Number(attributes.VisibilityTimeout ?? 30),
    redrivePolicy: redrivePolicyOf(attributes),
  };
}

/**
 * A FIFO-only attribute given for a standard queue, refused as SQS refuses it: `FifoQueue` (even
 * `false`) and `ContentBasedDeduplication` are unknown attributes there; the high-throughput pair says
 * it needs FifoQueue=true.
 */
function notOnStandard(name: string) {
  return name === 'DeduplicationScope' || name === 'FifoThroughputLimit'
    ? sqsErrors.invalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`)
    : sqsErrors.invalidAttributeName(`Unknown Attribute ${name}.`);
}

/**
 * Validates attributes given to CreateQueue (`creating`) or SetQueueAttributes and returns them
 * normalized. Unknown names are InvalidAttributeName, as are FIFO-only ones on a standard queue;
 * `FifoQueue=false` on a FIFO queue's SetQueueAttributes is InvalidAttributeValue (the type is fixed).
 */
export function checkQueueAttributes(
  given: Record<string, string>,
  options: { fifo: boolean; creating: boolean },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const spec = Object.hasOwn(QUEUE_ATTRIBUTE_SPECS, name) ? QUEUE_ATTRIBUTE_SPECS[name] : undefined;
    if (!spec) throw sqsErrors.invalidAttributeName(`Unknown Attribute ${name.slice(0, 128)}.`);
    if (spec.fifoOnly && !options.fifo) throw notOnStandard(name);
    if (name === 'FifoQueue' && !options.creating) {
      // a FIFO queue may be told it is one; the type itself cannot change
      if (spec.check(value, name) === 'true') continue;
      throw sqsErrors.invalidAttributeValue(
        'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
      );
    }
    out[name] = spec.check(value, name);
  }
  return out;
}

/** The attributes a new queue starts with: defaults, then the given ones. */
export function initialAttributes(given: Record<string, string>, fifo: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(QUEUE_ATTRIBUTE_SPECS)) {
    if (spec.default !== undefined && (!spec.fifoOnly || fifo)) out[name] = spec.default;
  }
  if (fifo) {
    out.FifoQueue = 'true';
    out.ContentBasedDeduplication = 'false';
    out.DeduplicationScope = 'queue';
    out.FifoThroughputLimit = 'perQueue';
  }
  return { ...out, ...given };
}
