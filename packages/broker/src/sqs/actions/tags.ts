import { sqsErrors } from '../../errors.js';
import { type Input, requiredString, stringList, stringMap } from '../params.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';

const MAX_TAGS = 50;
/** AWS reserves keys starting with this prefix (compared case-insensitively). */
const RESERVED_PREFIX = 'aws:';

/**
 * Validates a queue's tags after a change: at most 50 tags, keys 1–128 characters not starting with
 * `aws:`, values at most 256 characters. The count and key-length messages are the ones AWS clients
 * see (as recorded by moto, whose SQS errors follow AWS's); the value-length and `aws:` messages are
 * the broker's own (AWS's exact text is not recorded anywhere we could find).
 * @param queueName the queue's name, which AWS names in the too-many-tags message
 */
export function checkTags(tags: Record<string, string>, queueName: string): Record<string, string> {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) {
    throw sqsErrors.invalidParameterValue(`Too many tags added for queue ${queueName}.`);
  }
  for (const [key, value] of entries) {
    // AWS counts Unicode characters, not UTF-16 units
    const keyLength = [...key].length;
    if (keyLength < 1 || keyLength > 128) {
      throw sqsErrors.invalidParameterValue('Tag keys must be between 1 and 128 characters in length.');
    }
    if (key.toLowerCase().startsWith(RESERVED_PREFIX)) {
      throw sqsErrors.invalidParameterValue(
        `Tag key '${key}' is invalid: the prefix '${RESERVED_PREFIX}' is reserved for AWS.`,
      );
    }
    if ([...value].length > 256) {
      throw sqsErrors.invalidParameterValue(
        `Tag value for key '${key}' must be at most 256 characters long.`,
      );
    }
  }
  return { ...tags };
}

/** TagQueue: adds or replaces tags. */
export async function tagQueue(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const given = stringMap(input, 'Tags');
  if (Object.keys(given).length === 0) throw sqsErrors.missingParameter('Tags');
  const tags = checkTags({ ...queue.tags, ...given }, queue.name);
  await state.store.write(() => state.queues.setTags(queue, tags));
  return {};
}

/** UntagQueue: removes the named tags. */
export async function untagQueue(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const keys = stringList(input, 'TagKeys');
  if (keys.length === 0) throw sqsErrors.missingParameter('TagKeys');
  const tags = { ...queue.tags };
  for (const key of keys) delete tags[key];
  await state.store.write(() => state.queues.setTags(queue, tags));
  return {};
}

/** ListQueueTags: the queue's tags. */
export function listQueueTags(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  return { Tags: Object.keys(queue.tags).length > 0 ? { ...queue.tags } : undefined };
}
