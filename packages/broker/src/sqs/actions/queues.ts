import { sqsErrors } from '../../errors.js';
import { checkRedriveAttributes } from '../dead-letter.js';
import { type Input, optionalInt, optionalString, requiredString, stringMap } from '../params.js';
import { checkQueueAttributes, initialAttributes } from '../queue-attributes.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';
import { checkTags } from './tags.js';

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
/** How long a deleted queue's name stays reserved, in ms. */
const DELETED_NAME_HOLD_MS = 60_000;
const PURGE_INTERVAL_MS = 60_000;

/** CreateQueue: creates a queue, or returns the existing one when the given attributes match it. */
export async function createQueue(state: SqsState, ctx: RequestContext, input: Input) {
  const name = requiredString(input, 'QueueName');
  const given = stringMap(input, 'Attributes');
  const tags = checkTags({ ...stringMap(input, 'Tags'), ...stringMap(input, 'tags') }, name);
  const fifo = name.endsWith('.fifo');
  if (!(fifo ? FIFO_QUEUE_NAME : QUEUE_NAME).test(name)) {
    throw sqsErrors.invalidParameterValue(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length. A FIFO queue name must end with the .fifo suffix.',
    );
  }
  const fifoFlag = given.FifoQueue?.toLowerCase();
  if (fifo !== (fifoFlag === 'true')) {
    throw sqsErrors.invalidParameterValue(
      fifo
        ? 'The name of a FIFO queue must end with the .fifo suffix and the queue must be created with the attribute FifoQueue=true.'
        : 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
    );
  }
  const attributes = checkQueueAttributes(given, { fifo, creating: true });
  checkRedriveAttributes(state, state.queues.arnOf(ctx.region, name), fifo, attributes);
  const now = state.clock.now();
  const existing = state.queues.get(ctx.region, name);
  if (existing) {
    for (const [attr, value] of Object.entries(attributes)) {
      if (existing.attributes[attr] !== value) throw sqsErrors.queueNameExists(name);
    }
    return { QueueUrl: state.queueUrl(ctx, existing) };
  }
  const deletedAt = state.recentlyDeleted.get(`${ctx.region}/${name}`);
  if (deletedAt !== undefined && now - deletedAt < DELETED_NAME_HOLD_MS)
    throw sqsErrors.queueDeletedRecently();
  const queue = await state.store.write(() =>
    state.queues.create({
      region: ctx.region,
      name,
      fifo: fifo ? 1 : 0,
      attributes: JSON.stringify(initialAttributes(attributes, fifo)),
      tags: JSON.stringify(tags),
      created_at: now,
      modified_at: now,
    }),
  );
  return { QueueUrl: state.queueUrl(ctx, queue) };
}

/** GetQueueUrl: the URL of a queue of this account, by name. */
export function getQueueUrl(state: SqsState, ctx: RequestContext, input: Input) {
  const name = requiredString(input, 'QueueName');
  const owner = optionalString(input, 'QueueOwnerAWSAccountId');
  const queue =
    owner === undefined || owner === state.config.accountId ? state.queues.get(ctx.region, name) : undefined;
  if (!queue) throw sqsErrors.queueDoesNotExist();
  return { QueueUrl: state.queueUrl(ctx, queue) };
}

/** ListQueues: queue URLs of the region, optionally by name prefix, paginated by MaxResults/NextToken. */
export function listQueues(state: SqsState, ctx: RequestContext, input: Input) {
  const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
  const maxResults = optionalInt(input, 'MaxResults', 1, 1000);
  const token = optionalString(input, 'NextToken');
  let after = '';
  if (token !== undefined) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (!token || !QUEUE_NAME.test(after.replace(/\.fifo$/, ''))) {
      throw sqsErrors.invalidParameterValue('Invalid NextToken value.');
    }
  }
  const names = state.queues
    .list(ctx.region)
    .filter((q) => q.name.startsWith(prefix) && (after === '' || q.name > after));
  const limit = maxResults ?? 1000;
  const page = names.slice(0, limit);
  const more = maxResults !== undefined && names.length > limit;
  return {
    QueueUrls: page.map((q) => state.queueUrl(ctx, q)),
    NextToken: more
      ? Buffer.from((page[page.length - 1] as { name: string }).name, 'utf8').toString('base64url')
      : undefined,
  };
}

/**
 * DeleteQueue: the queue is gone at once (waiting receives return empty); the sweeper reclaims its
 * messages in chunks afterwards.
 */
export async function deleteQueue(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  await state.store.write(() => state.queues.delete(queue));
  state.recentlyDeleted.set(`${queue.region}/${queue.name}`, state.clock.now());
  state.polls.notify(queue.id);
  state.sweeper.due(state.clock.now());
  return {};
}

/**
 * PurgeQueue: the messages sent before now are gone at once (receives and counts skip them) and the
 * sweeper reclaims their storage in chunks; at most once per 60 seconds per queue.
 */
export async function purgeQueue(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const now = state.clock.now();
  if (queue.lastPurgedAt !== null && now - queue.lastPurgedAt < PURGE_INTERVAL_MS) {
    throw sqsErrors.purgeQueueInProgress(queue.arn);
  }
  await state.store.write(() => {
    if (queue.fifo) state.store.fifo.deleteGroups(queue.id);
    else state.store.fair.deleteAll(queue.id);
    state.queues.markPurged(queue, now);
  });
  // an in-flight message that held its FIFO group is gone: waiting receives look again
  state.polls.notify(queue.id);
  state.sweeper.due(now);
  return {};
}
