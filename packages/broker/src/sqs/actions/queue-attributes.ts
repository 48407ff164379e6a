import { sqsErrors } from '../../errors.js';
import { checkRedriveAttributes } from '../dead-letter.js';
import { type Input, requiredString, stringList, stringMap } from '../params.js';
import { checkQueueAttributes, READABLE_ATTRIBUTES } from '../queue-attributes.js';
import { retentionCutoff } from '../retention.js';
import type { SqsState } from '../state.js';
import type { Queue, RequestContext } from '../types.js';

/** GetQueueAttributes: the named attributes (or `All`), including the computed message counts. */
export function getQueueAttributes(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const names = stringList(input, 'AttributeNames');
  for (const name of names) {
    if (name !== 'All' && !READABLE_ATTRIBUTES.has(name)) {
      throw sqsErrors.invalidAttributeName(`Unknown Attribute ${name.slice(0, 128)}.`);
    }
  }
  if (names.length === 0) return {};
  const all = names.includes('All');
  const wanted = (name: string) => all || names.includes(name);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(queue.attributes)) if (wanted(name)) out[name] = value;
  Object.assign(out, computedAttributes(state, queue, wanted));
  return { Attributes: out };
}

function computedAttributes(state: SqsState, queue: Queue, wanted: (name: string) => boolean) {
  const out: Record<string, string> = {};
  if (
    wanted('ApproximateNumberOfMessages') ||
    wanted('ApproximateNumberOfMessagesNotVisible') ||
    wanted('ApproximateNumberOfMessagesDelayed')
  ) {
    const now = state.clock.now();
    const counts = state.store.messages.counts(queue.id, now, retentionCutoff(queue, now));
    if (wanted('ApproximateNumberOfMessages')) out.ApproximateNumberOfMessages = String(counts.visible);
    if (wanted('ApproximateNumberOfMessagesNotVisible'))
      out.ApproximateNumberOfMessagesNotVisible = String(counts.inFlight);
    if (wanted('ApproximateNumberOfMessagesDelayed'))
      out.ApproximateNumberOfMessagesDelayed = String(counts.delayed);
  }
  if (wanted('CreatedTimestamp')) out.CreatedTimestamp = String(Math.floor(queue.createdAt / 1000));
  if (wanted('LastModifiedTimestamp'))
    out.LastModifiedTimestamp = String(Math.floor(queue.modifiedAt / 1000));
  if (wanted('QueueArn')) out.QueueArn = queue.arn;
  return out;
}

/** SetQueueAttributes: validates and stores the given attributes. */
export async function setQueueAttributes(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const given = stringMap(input, 'Attributes');
  if (Object.keys(given).length === 0) throw sqsErrors.missingParameter('Attributes');
  const checked = checkQueueAttributes(given, { fifo: queue.fifo, creating: false });
  checkRedriveAttributes(state, queue.arn, queue.fifo, checked);
  const attributes = { ...queue.attributes, ...checked };
  for (const [name, value] of Object.entries(attributes)) if (value === '') delete attributes[name];
  await state.store.write(() => state.queues.setAttributes(queue, attributes, state.clock.now()));
  // a shorter wait or visibility may concern waiting receives; a shorter retention the sweeper
  state.polls.notify(queue.id);
  state.sweeper.due(state.clock.now());
  return {};
}
