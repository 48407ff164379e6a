// Issue 24, item 3 (tags): TagQueue, UntagQueue, ListQueueTags and CreateQueue's tags at each limit of
// AWS's tag rules (Amazon SQS Developer Guide, "Quotas related to queues": at most 50 tags, keys of 1 to
// 128 characters, values of 0 to 256, the `aws:` prefix reserved), over both wire protocols through
// real SDK clients. Messages: the count and key-length texts are AWS's as moto records them; the
// value-length and `aws:` texts are the broker's own (see docs/clients.md).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOverProtocols, queueName } from './support/clients.js';

describeOverProtocols('SQS tags: AWS limits and messages', ({ sqs }) => {
  // 3.445 (Query) puts a modeled error's message under `Error` (its own `message` is "UnknownError")
  // biome-ignore lint/suspicious/noExplicitAny: an SDK error of either client
  const messageOf = (e: any): string => (e.message === 'UnknownError' ? e.Error?.Message : e.message);
  const newQueue = async (tags?: Record<string, string>) => {
    const QueueName = queueName();
    const { QueueUrl } = await sqs().call('CreateQueue', { QueueName, tags });
    return { QueueName, QueueUrl: QueueUrl as string };
  };
  const tagsOf = async (QueueUrl: string) => (await sqs().call('ListQueueTags', { QueueUrl })).Tags;
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
  const refused = async (action: string, input: Record<string, unknown>, message: string) => {
    const e = await sqs().error(action, input);
    assert.equal(e.name, 'InvalidParameterValue');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(messageOf(e), message);
  };
  const KEY_LENGTH = 'Tag keys must be between 1 and 128 characters in length.';

  it('a queue without tags lists none', async () => {
    const { QueueUrl } = await newQueue();
    assert.equal(await tagsOf(QueueUrl), undefined);
  });

  it('50 tags are accepted; a 51st, by TagQueue or CreateQueue, is refused naming the queue', async () => {
    const { QueueName, QueueUrl } = await newQueue(many(49));
    await sqs().call('TagQueue', { QueueUrl, Tags: { last: 'x' } });
    assert.equal(Object.keys(await tagsOf(QueueUrl)).length, 50);
    await refused(
      'TagQueue',
      { QueueUrl, Tags: { extra: 'y' } },
      `Too many tags added for queue ${QueueName}.`,
    );
    // an existing key is replaced, not added: still 50
    await sqs().call('TagQueue', { QueueUrl, Tags: { last: 'replaced' } });
    assert.equal((await tagsOf(QueueUrl)).last, 'replaced');
    const name = queueName();
    await refused(
      'CreateQueue',
      { QueueName: name, tags: many(51) },
      `Too many tags added for queue ${name}.`,
    );
    const created = await newQueue(many(50));
    assert.equal(Object.keys(await tagsOf(created.QueueUrl)).length, 50);
  });

  it('a key of 128 characters is accepted, of 129 or empty is refused', async () => {
    const { QueueUrl } = await newQueue();
    await sqs().call('TagQueue', { QueueUrl, Tags: { ['k'.repeat(128)]: 'v' } });
    assert.deepEqual(await tagsOf(QueueUrl), { ['k'.repeat(128)]: 'v' });
    await refused('TagQueue', { QueueUrl, Tags: { ['k'.repeat(129)]: 'v' } }, KEY_LENGTH);
    await refused('TagQueue', { QueueUrl, Tags: { '': 'v' } }, KEY_LENGTH);
    await refused('CreateQueue', { QueueName: queueName(), tags: { ['k'.repeat(129)]: 'v' } }, KEY_LENGTH);
    // 128 characters outside the BMP are 256 UTF-16 units: still 128 characters
    const wide = '😀'.repeat(128);
    await sqs().call('TagQueue', { QueueUrl, Tags: { [wide]: 'v' } });
    assert.equal((await tagsOf(QueueUrl))[wide], 'v');
  });

  it('a value of 256 characters (or empty) is accepted, of 257 is refused', async () => {
    const { QueueUrl } = await newQueue();
    await sqs().call('TagQueue', { QueueUrl, Tags: { long: 'v'.repeat(256), empty: '' } });
    assert.deepEqual(await tagsOf(QueueUrl), { long: 'v'.repeat(256), empty: '' });
    await refused(
      'TagQueue',
      { QueueUrl, Tags: { long: 'v'.repeat(257) } },
      "Tag value for key 'long' must be at most 256 characters long.",
    );
    assert.equal((await tagsOf(QueueUrl)).long, 'v'.repeat(256));
  });

  it('keys starting with the reserved aws: prefix (any case) are refused; aws elsewhere is fine', async () => {
    const { QueueUrl } = await newQueue();
    for (const key of ['aws:cost', 'AWS:cost']) {
      await refused(
        'TagQueue',
        { QueueUrl, Tags: { [key]: 'v' } },
        `Tag key '${key}' is invalid: the prefix 'aws:' is reserved for AWS.`,
      );
    }
    await refused(
      'CreateQueue',
      { QueueName: queueName(), tags: { 'aws:x': 'v' } },
      "Tag key 'aws:x' is invalid: the prefix 'aws:' is reserved for AWS.",
    );
    await sqs().call('TagQueue', { QueueUrl, Tags: { 'my:aws:key': 'v', aws: 'v' } });
    assert.deepEqual(await tagsOf(QueueUrl), { 'my:aws:key': 'v', aws: 'v' });
  });

  it('keys are case-sensitive; untagging an absent key succeeds and changes nothing', async () => {
    const { QueueUrl } = await newQueue({ Team: 'a', team: 'b' });
    assert.deepEqual(await tagsOf(QueueUrl), { Team: 'a', team: 'b' });
    await sqs().call('UntagQueue', { QueueUrl, TagKeys: ['absent', 'TEAM'] });
    assert.deepEqual(await tagsOf(QueueUrl), { Team: 'a', team: 'b' });
    await sqs().call('UntagQueue', { QueueUrl, TagKeys: ['team'] });
    assert.deepEqual(await tagsOf(QueueUrl), { Team: 'a' });
  });

  it('TagQueue without tags is MissingParameter, as AWS answers', async () => {
    const { QueueUrl } = await newQueue();
    const e = await sqs().error('TagQueue', { QueueUrl, Tags: {} });
    assert.equal(e.name, 'MissingParameter');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(messageOf(e), 'The request must contain the parameter Tags.');
  });
});
