import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../src/testing/wait.js';
import { snsSetup } from './sns-support.js';

// biome-ignore lint/suspicious/noExplicitAny: test convenience: outputs are asserted field by field
type Any = any;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('SNS FIFO topic archive (ArchivePolicy) and subscription replay (ReplayPolicy)', async () => {
  let env: Awaited<ReturnType<typeof snsSetup>>;
  let clock: NonNullable<typeof env.broker.testClock>;
  before(async () => {
    env = await snsSetup({ time: 'manual' });
    clock = env.broker.testClock as typeof clock;
  });
  after(() => env.teardown());

  const archived = (days = 2) =>
    env.topic(
      { FifoTopic: 'true', ArchivePolicy: JSON.stringify({ MessageRetentionPeriod: String(days) }) },
      true,
    );
  const publish = (TopicArn: string, Message: string, MessageAttributes?: Record<string, unknown>) =>
    env.sns('Publish', {
      TopicArn,
      Message,
      MessageGroupId: 'g',
      MessageDeduplicationId: Message,
      MessageAttributes,
    });
  const attributes = async (SubscriptionArn: string) =>
    (await env.sns('GetSubscriptionAttributes', { SubscriptionArn })).Attributes as Record<string, string>;
  const replayed = async (SubscriptionArn: string) =>
    waitFor(async () => {
      const status = (await attributes(SubscriptionArn)).ReplayStatus;
      return status === 'Completed' || status === 'Failed' ? status : undefined;
    });
  const drain = async (QueueUrl: string) => {
    const out: Any[] = [];
    for (;;) {
      const batch = await env.receive(QueueUrl);
      if (batch.length === 0) return out;
      for (const m of batch) {
        out.push(m);
        await env.sqs('DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
      }
    }
  };
  const setReplay = (SubscriptionArn: string, policy: object | string) =>
    env.sns('SetSubscriptionAttributes', {
      SubscriptionArn,
      AttributeName: 'ReplayPolicy',
      AttributeValue: typeof policy === 'string' ? policy : JSON.stringify(policy),
    });

  it('reports ArchivePolicy and a BeginningArchiveTime that follows the retention period', async () => {
    const created = clock.now();
    const TopicArn = await archived(2);
    const a = (await env.sns('GetTopicAttributes', { TopicArn })).Attributes;
    assert.equal(a.ArchivePolicy, '{"MessageRetentionPeriod":"2"}');
    assert.equal(a.BeginningArchiveTime, iso(created));
    assert.equal(
      Object.keys(a).some((k) => k.startsWith('_')),
      false,
    );
    await clock.advance(3 * DAY);
    const later = (await env.sns('GetTopicAttributes', { TopicArn })).Attributes;
    assert.equal(later.BeginningArchiveTime, iso(clock.now() - 2 * DAY));
  });

  it('refuses an ArchivePolicy on a standard topic and a retention outside 1–365 days', async () => {
    const standard = await env.topic();
    const e = await env.snsError('SetTopicAttributes', {
      TopicArn: standard,
      AttributeName: 'ArchivePolicy',
      AttributeValue: '{"MessageRetentionPeriod":"7"}',
    });
    assert.equal(e.name, 'InvalidParameterException');
    assert.match(e.message, /^Invalid parameter: .*ArchivePolicy.*FIFO topics/);
    const fifo = await env.topic({ FifoTopic: 'true' }, true);
    for (const bad of ['0', '366', '1.5', 'x', '{}x']) {
      const value = bad === '{}x' ? bad : JSON.stringify({ MessageRetentionPeriod: bad });
      const err = await env.snsError('SetTopicAttributes', {
        TopicArn: fifo,
        AttributeName: 'ArchivePolicy',
        AttributeValue: value,
      });
      assert.equal(err.name, 'InvalidParameterException', bad);
      assert.match(err.message, /ArchivePolicy/, bad);
    }
    const create = await env.snsError('CreateTopic', {
      Name: env.name('std'),
      Attributes: { ArchivePolicy: '{"MessageRetentionPeriod":"3"}' },
    });
    assert.match(create.message, /only supported for FIFO topics/);
    const readOnly = await env.snsError('SetTopicAttributes', {
      TopicArn: fifo,
      AttributeName: 'BeginningArchiveTime',
      AttributeValue: iso(0),
    });
    assert.equal(readOnly.message, 'Invalid parameter: AttributeName');
  });

  it('an empty ArchivePolicy ({}) turns archiving off and forgets the archive', async () => {
    const TopicArn = await archived(1);
    await publish(TopicArn, 'kept?');
    await env.sns('SetTopicAttributes', { TopicArn, AttributeName: 'ArchivePolicy', AttributeValue: '{}' });
    const a = (await env.sns('GetTopicAttributes', { TopicArn })).Attributes;
    assert.equal(a.ArchivePolicy, undefined);
    assert.equal(a.BeginningArchiveTime, undefined);
    assert.equal(env.broker.sqs.store.snsArchive.oldest(TopicArn), undefined);
  });

  it('replays a time range to that subscription only, in order, marked Replayed, same MessageId and Timestamp', async () => {
    const TopicArn = await archived(2);
    const start = clock.now();
    const ids: string[] = [];
    for (const m of ['m1', 'm2', 'm3', 'm4']) {
      ids.push((await publish(TopicArn, m)).MessageId);
      await clock.advance(60_000);
    }
    const one = await env.subscribedQueue(TopicArn);
    const other = await env.subscribedQueue(TopicArn);
    await clock.advance(10 * 60_000); // past the queues' 5-minute deduplication window
    await setReplay(one.SubscriptionArn, {
      PointType: 'Timestamp',
      StartingPoint: iso(start + 60_000),
      EndingPoint: iso(start + 2 * 60_000),
    });
    assert.equal(await replayed(one.SubscriptionArn), 'Completed');
    const got = (await drain(one.QueueUrl)).map((m) => JSON.parse(m.Body));
    assert.deepEqual(
      got.map((b) => b.Message),
      ['m2', 'm3'],
    );
    assert.deepEqual(
      got.map((b) => b.MessageId),
      ids.slice(1, 3),
    );
    assert.equal(got[0].Replayed, true);
    assert.equal(got[0].Timestamp, iso(start + 60_000));
    assert.deepEqual(await drain(other.QueueUrl), []);
    const a = await attributes(one.SubscriptionArn);
    assert.equal(a.ReplayStatus, 'Completed');
    assert.equal(JSON.parse(a.ReplayPolicy as string).EndingPoint, iso(start + 2 * 60_000));
    assert.equal(
      Object.keys(a).some((k) => k.startsWith('_')),
      false,
    );
  });

  it('an open-ended replay re-delivers up to now and new messages keep flowing; with an EndingPoint they stop, as on SNS', async () => {
    const TopicArn = await archived(1);
    const start = clock.now();
    const open = await env.subscribedQueue(TopicArn);
    const closed = await env.subscribedQueue(TopicArn);
    await publish(TopicArn, 'old');
    await clock.advance(10 * 60_000);
    await setReplay(open.SubscriptionArn, { PointType: 'Timestamp', StartingPoint: iso(start) });
    await setReplay(closed.SubscriptionArn, {
      PointType: 'Timestamp',
      StartingPoint: iso(start),
      EndingPoint: iso(start + 1000),
    });
    await replayed(open.SubscriptionArn);
    await replayed(closed.SubscriptionArn);
    await publish(TopicArn, 'new');
    const openBodies = (await drain(open.QueueUrl)).map((m) => JSON.parse(m.Body));
    assert.deepEqual(
      openBodies.map((b) => [b.Message, b.Replayed ?? false]),
      [
        ['old', false],
        ['old', true],
        ['new', false],
      ],
    );
    const closedBodies = (await drain(closed.QueueUrl)).map((m) => JSON.parse(m.Body).Message);
    assert.deepEqual(closedBodies, ['old', 'old']);
    await setReplay(closed.SubscriptionArn, ''); // removing the policy lets new messages through again
    await publish(TopicArn, 'newer');
    assert.deepEqual(
      (await drain(closed.QueueUrl)).map((m) => JSON.parse(m.Body).Message),
      ['newer'],
    );
    assert.equal((await attributes(closed.SubscriptionArn)).ReplayStatus, undefined);
  });

  it('applies the filter policy and raw delivery of the subscription to replayed messages', async () => {
    const TopicArn = await archived(1);
    const start = clock.now();
    await publish(TopicArn, 'red', { colour: { DataType: 'String', StringValue: 'red' } });
    await publish(TopicArn, 'blue', { colour: { DataType: 'String', StringValue: 'blue' } });
    await clock.advance(10 * 60_000);
    const { QueueUrl, SubscriptionArn } = await env.subscribedQueue(TopicArn, {
      FilterPolicy: '{"colour":["blue"]}',
      RawMessageDelivery: 'true',
      ReplayPolicy: JSON.stringify({ PointType: 'Timestamp', StartingPoint: iso(start) }),
    });
    assert.equal(await replayed(SubscriptionArn), 'Completed');
    const got = await drain(QueueUrl);
    assert.deepEqual(
      got.map((m) => m.Body),
      ['blue'],
    );
    assert.equal(got[0].MessageAttributes.colour.StringValue, 'blue');
  });

  it('replays more than one chunk (250 messages) in sequence order', async () => {
    const TopicArn = await archived(1);
    const start = clock.now();
    for (let i = 0; i < 25; i++)
      await env.sns('PublishBatch', {
        TopicArn,
        PublishBatchRequestEntries: Array.from({ length: 10 }, (_, j) => ({
          Id: `e${j}`,
          Message: String(i * 10 + j),
          MessageGroupId: 'g',
          MessageDeduplicationId: `d${i * 10 + j}`,
        })),
      });
    const { QueueUrl, SubscriptionArn } = await env.subscribedQueue(TopicArn, {
      RawMessageDelivery: 'true',
      ReplayPolicy: JSON.stringify({ PointType: 'Timestamp', StartingPoint: iso(start) }),
    });
    assert.equal(await replayed(SubscriptionArn), 'Completed');
    const got = (await drain(QueueUrl)).map((m) => Number(m.Body));
    assert.deepEqual(
      got,
      Array.from({ length: 250 }, (_, i) => i),
    );
  });

  it('refuses a ReplayPolicy outside the archive, out of order, malformed, or on a topic without an archive', async () => {
    const TopicArn = await archived(1);
    const beginning = clock.now();
    const { SubscriptionArn } = await env.subscribedQueue(TopicArn);
    const cases: Array<[string, object | string, RegExp]> = [
      [
        'before BeginningArchiveTime',
        { PointType: 'Timestamp', StartingPoint: iso(beginning - 1000) },
        /before the topic's BeginningArchiveTime/,
      ],
      ['in the future', { PointType: 'Timestamp', StartingPoint: iso(beginning + DAY) }, /in the future/],
      [
        'end before start',
        { PointType: 'Timestamp', StartingPoint: iso(beginning), EndingPoint: iso(beginning - 1) },
        /EndingPoint .* is before StartingPoint/,
      ],
      [
        'bad PointType',
        { PointType: 'Sequence', StartingPoint: iso(beginning) },
        /PointType must be Timestamp/,
      ],
      ['no StartingPoint', { PointType: 'Timestamp' }, /StartingPoint is required/],
      ['not a timestamp', { PointType: 'Timestamp', StartingPoint: 'yesterday' }, /ISO 8601/],
      ['not JSON', '{', /failed to parse JSON/],
    ];
    for (const [what, policy, message] of cases) {
      const e = await env.snsError('SetSubscriptionAttributes', {
        SubscriptionArn,
        AttributeName: 'ReplayPolicy',
        AttributeValue: typeof policy === 'string' ? policy : JSON.stringify(policy),
      });
      assert.equal(e.name, 'InvalidParameterException', what);
      assert.equal(e.$metadata.httpStatusCode, 400, what);
      assert.match(e.message, /^Invalid parameter: .*ReplayPolicy/, what);
      assert.match(e.message, message, what);
    }
    const noArchive = await env.topic({ FifoTopic: 'true' }, true);
    const sub = await env.subscribedQueue(noArchive);
    const e = await env.snsError('SetSubscriptionAttributes', {
      SubscriptionArn: sub.SubscriptionArn,
      AttributeName: 'ReplayPolicy',
      AttributeValue: JSON.stringify({ PointType: 'Timestamp', StartingPoint: iso(clock.now()) }),
    });
    assert.match(e.message, /has no ArchivePolicy/);
    const standard = await env.subscribedQueue(await env.topic());
    const s = await env.snsError('SetSubscriptionAttributes', {
      SubscriptionArn: standard.SubscriptionArn,
      AttributeName: 'ReplayPolicy',
      AttributeValue: JSON.stringify({ PointType: 'Timestamp', StartingPoint: iso(clock.now()) }),
    });
    assert.match(s.message, /only supported for subscriptions to FIFO topics/);
    const status = await env.snsError('SetSubscriptionAttributes', {
      SubscriptionArn,
      AttributeName: 'ReplayStatus',
      AttributeValue: 'Completed',
    });
    assert.equal(status.message, 'Invalid parameter: AttributeName');
  });

  it('expires archived messages after the retention period: they are not replayed', async () => {
    const TopicArn = await archived(1);
    const start = clock.now();
    await publish(TopicArn, 'expires');
    await clock.advance(DAY / 2);
    await publish(TopicArn, 'stays');
    await clock.advance(DAY / 2 + 1000);
    assert.equal(env.broker.sqs.store.snsArchive.oldest(TopicArn), start + DAY / 2);
    const beginning = Date.parse(
      (await env.sns('GetTopicAttributes', { TopicArn })).Attributes.BeginningArchiveTime,
    );
    assert.equal(beginning, clock.now() - DAY);
    const { QueueUrl, SubscriptionArn } = await env.subscribedQueue(TopicArn, {
      RawMessageDelivery: 'true',
      ReplayPolicy: JSON.stringify({ PointType: 'Timestamp', StartingPoint: iso(beginning) }),
    });
    await replayed(SubscriptionArn);
    assert.deepEqual(
      (await drain(QueueUrl)).map((m) => m.Body),
      ['stays'],
    );
  });

  it('GetTopicAttributes and GetSubscriptionAttributes carry the new attributes in Query XML', async () => {
    const TopicArn = await archived(3);
    const { SubscriptionArn } = await env.subscribedQueue(TopicArn, {
      ReplayPolicy: JSON.stringify({ PointType: 'Timestamp', StartingPoint: iso(clock.now()) }),
    });
    await replayed(SubscriptionArn);
    const post = async (form: Record<string, string>) => {
      const res = await fetch(env.broker.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ Version: '2010-03-31', ...form }),
      });
      assert.equal(res.status, 200);
      return res.text();
    };
    const topicXml = await post({ Action: 'GetTopicAttributes', TopicArn });
    assert.match(
      topicXml,
      /<key>ArchivePolicy<\/key>\s*<value>\{&quot;MessageRetentionPeriod&quot;:&quot;3&quot;\}<\/value>/,
    );
    assert.match(topicXml, /<key>BeginningArchiveTime<\/key>\s*<value>\d{4}-\d\d-\d\dT[\d:.]+Z<\/value>/);
    const subXml = await post({ Action: 'GetSubscriptionAttributes', SubscriptionArn });
    assert.match(subXml, /<key>ReplayStatus<\/key>\s*<value>Completed<\/value>/);
    assert.match(subXml, /<key>ReplayPolicy<\/key>/);
    assert.doesNotMatch(subXml, /_replay/);
  });
});

describe('SNS archive durability (SQLite engine)', () => {
  it('archived messages survive a restart and replay after it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mega-archive-'));
    try {
      let env = await snsSetup({ dataDir });
      const TopicArn = await env.topic(
        { FifoTopic: 'true', ArchivePolicy: '{"MessageRetentionPeriod":"1"}' },
        true,
      );
      // the archive's own beginning (when archiving was turned on): every message published after it
      // is replayable, and no clock read here can fall a millisecond before it
      const { Attributes } = await env.sns('GetTopicAttributes', { TopicArn });
      const start = Date.parse(Attributes.BeginningArchiveTime);
      assert.ok(Number.isFinite(start), `BeginningArchiveTime ${Attributes.BeginningArchiveTime}`);
      for (const m of ['a', 'b', 'c'])
        await env.sns('Publish', { TopicArn, Message: m, MessageGroupId: 'g', MessageDeduplicationId: m });
      await env.teardown();
      env = await snsSetup({ dataDir });
      try {
        const { QueueUrl, SubscriptionArn } = await env.subscribedQueue(TopicArn, {
          RawMessageDelivery: 'true',
          ReplayPolicy: JSON.stringify({
            PointType: 'Timestamp',
            StartingPoint: new Date(start).toISOString(),
          }),
        });
        await waitFor(async () => {
          const a = await env.sns('GetSubscriptionAttributes', { SubscriptionArn });
          return a.Attributes.ReplayStatus === 'Completed';
        });
        const got = await env.receive(QueueUrl);
        assert.deepEqual(
          got.map((m: Any) => m.Body),
          ['a', 'b', 'c'],
        );
      } finally {
        await env.teardown();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
