import { sqsErrors } from '../../errors.js';
import { type Input, optionalInt, optionalString, requiredString } from '../params.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';

/**
 * ListDeadLetterSourceQueues: the URLs of the queues whose RedrivePolicy names this queue, sorted by
 * name, paginated by MaxResults (1–1000) and NextToken.
 */
export function listDeadLetterSourceQueues(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const maxResults = optionalInt(input, 'MaxResults', 1, 1000);
  const token = optionalString(input, 'NextToken');
  const after = token === undefined ? '' : Buffer.from(token, 'base64url').toString('utf8');
  if (token !== undefined && after === '') throw sqsErrors.invalidParameterValue('Invalid NextToken value.');
  const sources = state.queues
    .list(queue.region)
    .filter((q) => q.settings.redrivePolicy?.deadLetterTargetArn === queue.arn && q.name > after);
  const limit = maxResults ?? 1000;
  const page = sources.slice(0, limit);
  const last = page[page.length - 1];
  return {
    queueUrls: page.map((q) => state.queueUrl(ctx, q)),
    NextToken:
      maxResults !== undefined && sources.length > limit && last
        ? Buffer.from(last.name, 'utf8').toString('base64url')
        : undefined,
  };
}
