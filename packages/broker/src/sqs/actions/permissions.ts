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
  Principal: { AWS: string[] };
  Action: string[];
  Resource: string;
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
    Version: parsed.Version ?? '2012-10-17',
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
  if (accounts.length === 0) throw sqsErrors.missingParameter('AWSAccountIds');
  if (actions.length === 0) throw sqsErrors.missingParameter('Actions');
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
    Principal: { AWS: accounts.map((a) => `arn:aws:iam::${a}:root`) },
    Action: actions.map((a) => (a === '*' ? 'SQS:*' : `SQS:${a}`)),
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
