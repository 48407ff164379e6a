// The Query codec renders an action's lists, maps and numbers only from its schema
// (wire/query/schema-*.ts): an action missing there would silently lose them. So the action tables
// and the Query schemas must list the same actions. SNS's schema also covers the actions the broker
// does not implement (the codec's own round-trip tests use them; the router refuses them before
// decoding), so there every implemented action must have a schema.
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

  it('SNS: every action the broker implements has a Query schema', () => {
    const missing = sorted(snsActions).filter((a) => !Object.hasOwn(snsSchema.actions, a));
    assert.deepEqual(missing, []);
    assert.ok(sorted(snsActions).length >= 17);
  });
});
