import { sqsErrors } from '../../errors.js';
import { type Input, requiredString, stringList } from '../params.js';
import type { SqsState } from '../state.js';
import type { RequestContext } from '../types.js';

/**
 * AddPermission / RemovePermission: kept as statements of the queue's `Policy` attribute, as SQS
 * does (stored and returned; the broker does not enforce policies).
 */

interface Statement {
  Sid: string;
  Effect: string;
  /** One principal is written as a plain string, several as an array (as SQS writes them). */
  Principal: { AWS: string | string[] };
  Action: string | string[];
  Resource: string;
}

/** A policy statement holds at most this many actions (AddPermission answers 403 OverLimit beyond). */
const MAX_ACTIONS = 7;
/**
 * The actions AddPermission may grant: the rest (AddPermission, RemovePermission, SetQueueAttributes,
 * DeleteQueue, TagQueue, ...) are the queue owner's only. The batch actions come with their single forms.
 */
const GRANTABLE = new Set([
  '*',
  'ChangeMessageVisibility',
  'DeleteMessage',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListDeadLetterSourceQueues',
  'PurgeQueue',
  'ReceiveMessage',
  'SendMessage',
]);

/** A list of one as its only element, as SQS writes a policy. */
function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : values;
}

interface PolicyDocument {
  Version: string;
  Id: string;
  Statement: Statement[];
}

const LABEL = /^[A-Za-z0-9_-]{1,80}$/;
const ACCOUNT = /^\d{12}$/;

function labelError(label: string, reason: string) {
  return sqsErrors.invalidParameterValue(
    `Value ${label.slice(0, 120)} for parameter Label is invalid. Reason: ${reason}`,
  );
}

function policyOf(attributes: Record<string, string>, arn: string): PolicyDocument {
  const parsed = attributes.Policy ? (JSON.parse(attributes.Policy) as Partial<PolicyDocument>) : {};
  return {
    // the policy language version SQS writes into the policies AddPermission generates
    Version: parsed.Version ?? '2008-10-17',
    Id: parsed.Id ?? `${arn}/SQSDefaultPolicy`,
    Statement: Array.isArray(parsed.Statement) ? parsed.Statement : [],
  };
}

/** AddPermission: adds a statement allowing the given accounts the given actions, under a new label. */
export async function addPermission(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const label = requiredString(input, 'Label');
  if (!LABEL.test(label)) {
    throw labelError(
      label,
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.',
    );
  }
  const accounts = stringList(input, 'AWSAccountIds');
  const actions = stringList(input, 'Actions');
  if (actions.length === 0) throw sqsErrors.missingParameter('Actions');
  if (actions.length > MAX_ACTIONS) {
    throw sqsErrors.overLimit(`${actions.length} Actions were found, maximum allowed is ${MAX_ACTIONS}.`);
  }
  if (accounts.length === 0) {
    throw sqsErrors.invalidParameterValue(
      'Value [] for parameter PrincipalId is invalid. Reason: Unable to verify.',
    );
  }
  for (const action of actions) {
    if (!GRANTABLE.has(action)) {
      throw sqsErrors.invalidParameterValue(
        `Value SQS:${action.slice(0, 80)} for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action.`,
      );
    }
  }
  for (const account of accounts) {
    if (!ACCOUNT.test(account)) {
      throw sqsErrors.invalidParameterValue(
        `Value ${account.slice(0, 64)} for parameter AWSAccountIds is invalid. Reason: must be a 12-digit account id.`,
      );
    }
  }
  const policy = policyOf(queue.attributes, queue.arn);
  if (policy.Statement.some((s) => s.Sid === label)) throw labelError(label, 'Already exists.');
  policy.Statement.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: oneOrMany(accounts.map((a) => `arn:aws:iam::${a}:root`)) },
    Action: oneOrMany(actions.map((a) => `SQS:${a}`)),
    Resource: queue.arn,
  });
  const attributes = { ...queue.attributes, Policy: JSON.stringify(policy) };
  await state.store.write(() => state.queues.setAttributes(queue, attributes, state.clock.now()));
  return {};
}

/** RemovePermission: removes the statement with the given label. */
export async function removePermission(state: SqsState, ctx: RequestContext, input: Input) {
  const queue = state.resolve(ctx, requiredString(input, 'QueueUrl'));
  const label = requiredString(input, 'Label');
  const policy = policyOf(queue.attributes, queue.arn);
  const kept = policy.Statement.filter((s) => s.Sid !== label);
  if (kept.length === policy.Statement.length) throw labelError(label, "can't find label.");
  const attributes = { ...queue.attributes };
  if (kept.length > 0) attributes.Policy = JSON.stringify({ ...policy, Statement: kept });
  else delete attributes.Policy;
  await state.store.write(() => state.queues.setAttributes(queue, attributes, state.clock.now()));
  return {};
}
