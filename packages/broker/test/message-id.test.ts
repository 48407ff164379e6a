import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageId } from '../src/sqs/message-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('message ids', () => {
  it('are random version 4 UUIDs, distinct across refills of the entropy pool', () => {
    const seen = new Set<string>();
    // 256 ids a pool: this crosses several refills
    for (let i = 0; i < 2000; i++) {
      const id = messageId();
      assert.match(id, UUID_V4);
      seen.add(id);
    }
    assert.equal(seen.size, 2000);
  });

  it('use every hex digit in every free position', () => {
    // 2000 ids: each of the 30 free digits takes all 16 values (a stuck position would show)
    const values = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) {
      const id = messageId();
      for (let c = 0; c < 36; c++) values[c]?.add(id[c] as string);
    }
    const free = [...Array(36).keys()].filter((c) => ![8, 13, 14, 18, 19, 23].includes(c));
    for (const c of free) assert.equal(values[c]?.size, 16, `position ${c}`);
    assert.deepEqual([...(values[14] as Set<string>)], ['4']);
    assert.deepEqual([...(values[19] as Set<string>)].sort(), ['8', '9', 'a', 'b']);
  });
});
