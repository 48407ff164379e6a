import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { md5OfBody, md5OfMessageAttributes } from '../src/sqs/md5.js';

// Reference values published alongside other independent implementations of AWS's algorithm.
describe('MD5 of message attributes', () => {
  it('matches the reference value for one Number attribute', () => {
    assert.equal(
      md5OfMessageAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } }),
      '235c5c510d26fb653d073faed50ae77c',
    );
  });

  it('matches the reference value for one String attribute', () => {
    assert.equal(
      md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } }),
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
  });

  it('sorts attributes by name before hashing', () => {
    const expected = 'd21ae90c49061e927f57df5f5d72be1f';
    assert.equal(
      md5OfMessageAttributes({
        ordinal: { DataType: 'Number', StringValue: '1' },
        category: { DataType: 'String', StringValue: 'test' },
      }),
      expected,
    );
    assert.equal(
      md5OfMessageAttributes({
        category: { DataType: 'String', StringValue: 'test' },
        ordinal: { DataType: 'Number', StringValue: '1' },
      }),
      expected,
    );
  });

  it('hashes Binary values as bytes with transport type 2, distinct from the same text as String', () => {
    const asBinary = md5OfMessageAttributes({
      a: { DataType: 'Binary', BinaryValue: Buffer.from('xyz').toString('base64') },
    });
    const asString = md5OfMessageAttributes({ a: { DataType: 'String', StringValue: 'xyz' } });
    assert.match(asBinary, /^[0-9a-f]{32}$/);
    assert.notEqual(asBinary, asString);
  });

  it('hashes the body as UTF-8', () => {
    assert.equal(md5OfBody('hello'), '5d41402abc4b2a76b9719d911017c592');
    // printf 'é' | md5sum
    assert.equal(md5OfBody('é'), '66ddcd97cfdeabb2f6fb8a999b4bc76f');
  });
});
