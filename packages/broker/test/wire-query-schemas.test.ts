// The Query codec renders an action's lists, maps and numbers only from its schema
// (wire/query/schema-*.ts): an action missing there would silently lose them, and a schema without an
// action is dead. So the action tables and the Query schemas must list exactly the same actions. The
// compiler also holds each schema's output to its SDK output (ActionSchemasFor): the fixtures below
// must stay errors (`npm run typecheck` fails on an unused @ts-expect-error).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionOutput } from '../src/action-outputs.js';
import { snsActions } from '../src/sns/actions/index.js';
import type { SqsOutputs } from '../src/sqs/actions/index.js';
import { sqsActions } from '../src/sqs/actions/index.js';
import { snsSchema, sqsSchema } from '../src/wire/query/index.js';
import { type ActionSchemasFor, list } from '../src/wire/query/schema.js';

type Schemas = ActionSchemasFor<{ ListQueues: ActionOutput<SqsOutputs['ListQueues']> }>;
/** Never used at run time: each schema here but the last must fail to compile. */
export const fixtures = [
  // @ts-expect-error NextToken is missing: the codec would drop it
  { ListQueues: { output: { QueueUrls: list('string', 'QueueUrl') } } } satisfies Schemas,
  // @ts-expect-error QueueUrls is a list, not a string
  { ListQueues: { output: { QueueUrls: 'string', NextToken: 'string' } } } satisfies Schemas,
  {
    // @ts-expect-error a member the SDK output does not have
    ListQueues: { output: { QueueUrls: list('string'), NextToken: 'string', Count: 'integer' } },
  } satisfies Schemas,
  // @ts-expect-error an action the outputs do not name
  { ListQueues: {}, ListQueue: {} } satisfies Schemas,
  {
    ListQueues: { output: { QueueUrls: list('string', 'QueueUrl'), NextToken: 'string' } },
  } satisfies Schemas,
];

const sorted = (o: object) => Object.keys(o).sort();

describe('Query schemas and action tables', () => {
  it('the schema fixtures are what the compiler checked', () => {
    assert.equal(fixtures.length, 5);
  });

  it('SQS: every action the broker implements has a Query schema, and no schema lacks an action', () => {
    assert.deepEqual(sorted(sqsSchema.actions), sorted(sqsActions));
  });

  it('SNS: every action the broker implements has a Query schema, and no schema lacks an action', () => {
    assert.deepEqual(sorted(snsSchema.actions), sorted(snsActions));
    assert.ok(sorted(snsActions).length >= 17);
  });
});
