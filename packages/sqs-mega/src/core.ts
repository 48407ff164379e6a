// The part of sqs-mega that does not talk to AWS: the MEGA event protocol, the payload codecs, the
// pattern engine, the clock, the logger and the queue-policy helpers. \`sqs-mega/core\` loads no AWS
// SDK client (the broker serves with it); \`sqs-mega\` is all of it.
export * from './clock.js';
export * from './codec/attributes.js';
export * from './codec/base64.js';
export * from './codec/canonical.js';
export { codecNamed, type PayloadCodec, registerCodec } from './codec/codecs.js';
export * from './codec/decode.js';
export * from './codec/encode.js';
export * from './codec/sns.js';
export * from './codec/sns-signed.js';
export * from './errors.js';
export * from './event/builder.js';
export * from './event/reader.js';
export * from './event/types.js';
export { isPlainObject, parseIsoInstant } from './event/validate.js';
export * from './logger.js';
export { attributeValues } from './match/attributes.js';
export * from './match/core.js';
export * from './match/dsl.js';
export * from './match/json-pattern.js';
export type { Dialect, FilterPolicyScope } from './match/json-rules.js';
export { SNS_LIMITS } from './match/json-rules.js';
export * from './match/set.js';
export { asInstant, asNumber, compareValues, valuesEqual } from './match/values.js';
export { setOwn } from './own.js';
export {
  mergePolicy as mergeQueuePolicy,
  snsStatement as snsQueuePolicyStatement,
  statementId as queuePolicyStatementId,
} from './topology/policy.js';
export { READ_ONLY_QUEUE_ATTRIBUTES } from './topology/read-only.js';
