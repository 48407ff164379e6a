// Issue 24, item 3 (tags, SNS): TagResource, UntagResource, ListTagsForResource and CreateTopic's tags at
// each limit (at most 50 tags per topic, keys of 1 to 128 characters not starting with `aws:`, values of 0
// to 256). Over 50 answers AWS's `TagLimitExceeded` and a too-long key AWS's `1 validation error detected`
// text, both as recorded against AWS by a connector's integration tests; `aws:` keys answer `TagPolicy` in
// the broker's own words (AWS's text is not recorded; see docs/clients.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { snsSetup } from './sns-support.js';

describe('SNS tags: AWS limits and messages', () => {
  let env: Awaited<ReturnType<typeof snsSetup>>;
  before(async () => {
    env = await snsSetup({ time: 'manual' });
  });
  after(() => env.teardown());
  const many = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({ Key: `k${i + from}`, Value: `v${i + from}` }));
  const tagsOf = async (ResourceArn: string) =>
    (await env.sns('ListTagsForResource', { ResourceArn })).Tags as Array<{ Key: string; Value: string }>;
  const QUOTA = 'Could not complete request: tag quota of per resource exceeded';

  it('a topic without tags lists an empty list', async () => {
    assert.deepEqual(await tagsOf(await env.topic()), []);
  });

  it('50 tags are accepted; a 51st, by TagResource or CreateTopic, is TagLimitExceeded and changes nothing', async () => {
    const { TopicArn } = await env.sns('CreateTopic', { Name: env.name('t'), Tags: many(49) });
    await env.sns('TagResource', { ResourceArn: TopicArn, Tags: many(1, 49) });
    assert.equal((await tagsOf(TopicArn)).length, 50);
    const over = await env.snsError('TagResource', { ResourceArn: TopicArn, Tags: many(1, 50) });
    assert.equal(over.name, 'TagLimitExceededException');
    assert.equal(over.$metadata.httpStatusCode, 400);
    assert.equal(over.message, QUOTA);
    assert.equal((await tagsOf(TopicArn)).length, 50);
    const created = await env.snsError('CreateTopic', { Name: env.name('t'), Tags: many(51) });
    assert.equal(created.name, 'TagLimitExceededException');
    assert.equal(created.message, QUOTA);
  });

  it('keys of 128 characters and values of 256 are accepted; 129, empty and 257 are ValidationError', async () => {
    const ResourceArn = await env.topic();
    const key = 'k'.repeat(128);
    await env.sns('TagResource', { ResourceArn, Tags: [{ Key: key, Value: 'v'.repeat(256) }] });
    assert.deepEqual(await tagsOf(ResourceArn), [{ Key: key, Value: 'v'.repeat(256) }]);
    const invalid = async (Tags: unknown[], message: string) => {
      const e = await env.snsError('TagResource', { ResourceArn, Tags });
      assert.equal(e.name, 'ValidationError');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.equal(e.message, message);
    };
    const long = 'k'.repeat(129);
    // the text AWS answers CreateTopic with a 129-character key (recorded against AWS)
    const created = await env.snsError('CreateTopic', {
      Name: env.name('t'),
      Tags: [{ Key: long, Value: 'v' }],
    });
    assert.equal(
      created.message,
      `1 validation error detected: Value '${long}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
    await invalid(
      [
        { Key: 'ok', Value: '' },
        { Key: long, Value: 'v' },
      ],
      `1 validation error detected: Value '${long}' at 'tags.2.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
    await invalid(
      [{ Key: '', Value: 'v'.repeat(257) }],
      `2 validation errors detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '${'v'.repeat(257)}' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
    assert.equal((await tagsOf(ResourceArn)).length, 1);
    // 128 characters outside the BMP are 256 UTF-16 units: still 128 characters
    await env.sns('TagResource', { ResourceArn, Tags: [{ Key: '😀'.repeat(128), Value: '' }] });
    assert.equal((await tagsOf(ResourceArn)).length, 2);
  });

  it('keys starting with the reserved aws: prefix (any case) are TagPolicy', async () => {
    const ResourceArn = await env.topic();
    for (const Key of ['aws:x', 'AWS:x']) {
      const e = await env.snsError('TagResource', { ResourceArn, Tags: [{ Key, Value: 'v' }] });
      assert.equal(e.name, 'TagPolicyException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.equal(e.message, `Tag key '${Key}' is invalid: the prefix 'aws:' is reserved for AWS.`);
    }
    await env.sns('TagResource', { ResourceArn, Tags: [{ Key: 'my:aws:x', Value: 'aws:v' }] });
    assert.deepEqual(await tagsOf(ResourceArn), [{ Key: 'my:aws:x', Value: 'aws:v' }]);
  });

  it('untagging an absent key succeeds and changes nothing', async () => {
    const { TopicArn } = await env.sns('CreateTopic', {
      Name: env.name('t'),
      Tags: [{ Key: 'a', Value: '1' }],
    });
    await env.sns('UntagResource', { ResourceArn: TopicArn, TagKeys: ['absent', 'A'] });
    assert.deepEqual(await tagsOf(TopicArn), [{ Key: 'a', Value: '1' }]);
  });
});
