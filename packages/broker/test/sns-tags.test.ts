// Issue 24, item 3 (tags, SNS): TagResource, UntagResource, ListTagsForResource and CreateTopic's tags at
// each limit (at most 50 tags per topic, keys of 1 to 128 characters not starting with `aws:`, values of 0
// to 256). Over 50 answers AWS's `TagLimitExceeded` with the message recorded against AWS; the key and
// value checks answer `TagPolicy` in the broker's own words (AWS's text is not recorded; see docs/clients.md).
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

  it('keys of 128 characters and values of 256 are accepted; 129, empty, aws: and 257 are TagPolicy', async () => {
    const ResourceArn = await env.topic();
    const key = 'k'.repeat(128);
    await env.sns('TagResource', { ResourceArn, Tags: [{ Key: key, Value: 'v'.repeat(256) }] });
    assert.deepEqual(await tagsOf(ResourceArn), [{ Key: key, Value: 'v'.repeat(256) }]);
    for (const bad of ['k'.repeat(129), '', 'aws:x', 'AWS:x']) {
      const e = await env.snsError('TagResource', { ResourceArn, Tags: [{ Key: bad, Value: 'v' }] });
      assert.equal(e.name, 'TagPolicyException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.equal(e.message, `Tag key '${bad}' is invalid: 1 to 128 characters, not starting with aws:.`);
    }
    const long = await env.snsError('TagResource', {
      ResourceArn,
      Tags: [{ Key: 'x', Value: 'v'.repeat(257) }],
    });
    assert.equal(long.name, 'TagPolicyException');
    assert.equal(long.message, "Tag value for key 'x' must be at most 256 characters long.");
    // 128 characters outside the BMP are 256 UTF-16 units: still 128 characters
    await env.sns('TagResource', { ResourceArn, Tags: [{ Key: '😀'.repeat(128), Value: '' }] });
    assert.equal((await tagsOf(ResourceArn)).length, 2);
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
