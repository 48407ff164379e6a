import { canonicalJson } from '../codec/canonical.js';

/**
 * The SQS queue policy that lets SNS topics send to a queue. Amazon SNS delivers to an SQS queue only
 * when the queue's `Policy` allows `sqs:SendMessage` by `sns.amazonaws.com` from the topic; the broker
 * does not check policies, so the same topology works on both.
 */

type Statement = Record<string, unknown>;

/** The statement id used for the topic `topicName`: `SnsTopic` and the name's letters and digits. */
export function statementId(topicName: string): string {
  return `SnsTopic${topicName.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** The statement allowing `topicArn` to send to `queueArn`. */
export function snsStatement(topicName: string, topicArn: string, queueArn: string): Statement {
  return {
    Sid: statementId(topicName),
    Effect: 'Allow',
    Principal: { Service: 'sns.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: queueArn,
    Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
  };
}

function statementsOf(policy: unknown): Statement[] {
  if (typeof policy !== 'object' || policy === null) return [];
  const s = (policy as { Statement?: unknown }).Statement;
  if (Array.isArray(s)) return s as Statement[];
  return typeof s === 'object' && s !== null ? [s as Statement] : [];
}

/**
 * `current` (a queue's Policy, or undefined) with `wanted` statements added or replaced by Sid; the
 * other statements are kept. Returns undefined when `current` already holds every wanted statement.
 */
export function mergePolicy(current: string | undefined, wanted: Statement[]): string | undefined {
  let parsed: Record<string, unknown> = {};
  if (current) {
    try {
      const p = JSON.parse(current);
      if (typeof p === 'object' && p !== null && !Array.isArray(p)) parsed = p;
    } catch {
      // an unreadable policy is replaced
    }
  }
  const statements = [...statementsOf(parsed)];
  let changed = false;
  for (const statement of wanted) {
    const at = statements.findIndex((s) => s.Sid === statement.Sid);
    if (at >= 0 && canonicalJson(statements[at]) === canonicalJson(statement)) continue;
    changed = true;
    if (at >= 0) statements[at] = statement;
    else statements.push(statement);
  }
  if (!changed) return undefined;
  return JSON.stringify({ Version: '2012-10-17', ...parsed, Statement: statements });
}
