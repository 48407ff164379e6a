import { sqsErrors } from '../../errors.js';
import { type Input, requiredString, stringList, stringMap } from '../params.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';

const MAX_TAGS = 50;

/** Validates queue tags: at most 50, keys 1–128 and values 0–256 characters. */
export function checkTags(tags: Record<string, string>): Record<string, string> {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) {
    throw sqsErrors.invalidParameterValue(
      `Too many tags: ${entries.length} (a queue can have at most ${MAX_TAGS}).`,
    );
  }
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128) {
      throw sqsErrors.invalidParameterValue(
        `Tag key '${key.slice(0, 140)}' must be 1 to 128 characters long.`,
      );
    }
    if (value.length > 256) {
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
  const tags = checkTags({ ...queue.tags, ...given });
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
