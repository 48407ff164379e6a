// The Query codec renders an action's lists, maps and numbers only from its schema
// (wire/query/schema-*.ts): an action missing there would silently lose them, and a schema without an
// action is dead. So the action tables and the Query schemas must list exactly the same actions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snsActions } from '../src/sns/actions/index.js';
import { sqsActions } from '../src/sqs/actions/index.js';
import { snsSchema, sqsSchema } from '../src/wire/query/index.js';

const sorted = (o: object) => Object.keys(o).sort();

describe('Query schemas and action tables', () => {
  it('SQS: every action the broker implements has a Query schema, and no schema lacks an action', () => {
    assert.deepEqual(sorted(sqsSchema.actions), sorted(sqsActions));
  });

  it('SNS: every action the broker implements has a Query schema, and no schema lacks an action', () => {
    assert.deepEqual(sorted(snsSchema.actions), sorted(snsActions));
    assert.ok(sorted(snsActions).length >= 17);
  });
});
