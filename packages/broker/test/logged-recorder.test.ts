import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewMessage } from '../src/store/index.js';
import { ARITY, PUT, Recorder } from '../src/store/logged/ops.js';
import { columnValues, INSERT_COLUMNS } from '../src/store/messages.js';

it("a PUT record holds the message's values in INSERT_COLUMNS order, as columnValues lists them", () => {
  // every column gets a value of its own, so a swapped or missing one shows
  const message = Object.fromEntries(INSERT_COLUMNS.map((c, i) => [c, `${c}-${i}`])) as unknown as NewMessage;
  const recorder = new Recorder();
  recorder.begin();
  recorder.putRow(42, message);
  const { ops, stores } = recorder.end();
  assert.equal(stores, true);
  assert.deepEqual(ops, [PUT, 42, ...columnValues(message)]);
  assert.equal(ops.length, 1 + (ARITY[PUT] as number));
});
