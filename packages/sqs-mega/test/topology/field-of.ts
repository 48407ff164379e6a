import assert from 'node:assert/strict';
import { TopologyError, validateTopology } from '../../src/index.js';

/** The `field` of the TopologyError that validating `topology` throws (fails when none is thrown). */
export function fieldOf(topology: unknown): string {
  try {
    validateTopology(topology);
  } catch (error) {
    assert.ok(error instanceof TopologyError, String(error));
    return error.field;
  }
  assert.fail('expected a TopologyError');
}
