// The four filter-policy behaviours recorded against real SNS (issue 24), each through a real Publish
// to a subscribed queue and in the framework's own compileJsonPattern (the one engine behind both).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileJsonPattern } from 'sqs-mega/core';
import { snsSetup } from './sns-support.js';

describe('SNS filter policies as AWS evaluates them', async () => {
  let env: Awaited<ReturnType<typeof snsSetup>>;
  before(async () => {
    env = await snsSetup();
  });
  after(() => env.teardown());

  /** Publishes each message and returns which ones the filtered subscription received (their bodies). */
  async function delivered(
    policy: object,
    scope: 'MessageBody' | 'MessageAttributes',
    messages: Array<{ body: string; attributes?: Record<string, unknown> }>,
  ): Promise<string[]> {
    const TopicArn = await env.topic();
    const { QueueUrl } = await env.subscribedQueue(TopicArn, {
      FilterPolicy: JSON.stringify(policy),
      FilterPolicyScope: scope,
      RawMessageDelivery: 'true',
    });
    for (const m of messages) {
      await env.sns('Publish', { TopicArn, Message: m.body, MessageAttributes: m.attributes });
    }
    const got: string[] = [];
    for (;;) {
      const batch = await env.receive(QueueUrl);
      if (batch.length === 0) break;
      got.push(...batch.map((m) => m.Body as string));
    }
    return got.sort();
  }

  it('MessageBody: a dotted key addresses nested objects, also written at mixed depth', async () => {
    const policy = { 'a.b.c': ['x'] };
    const bodies = [
      JSON.stringify({ a: { b: { c: 'x' } } }),
      JSON.stringify({ 'a.b': { c: 'x' } }),
      JSON.stringify({ a: { 'b.c': 'x' } }),
      JSON.stringify({ a: { b: { c: 'y' } } }),
    ];
    const got = await delivered(
      policy,
      'MessageBody',
      bodies.map((body) => ({ body })),
    );
    assert.deepEqual(got, bodies.slice(0, 3).sort());
    const p = compileJsonPattern(policy, { scope: 'MessageBody' });
    assert.deepEqual(
      bodies.map((b) => p.matches(JSON.parse(b))),
      [true, true, true, false],
    );
  });

  it('exists: true does not match a key whose value is JSON null', async () => {
    const policy = { k: [{ exists: true }] };
    const bodies = [
      JSON.stringify({ k: null }),
      JSON.stringify({ k: 0 }),
      JSON.stringify({ k: [null, 'v'] }),
    ];
    const got = await delivered(
      policy,
      'MessageBody',
      bodies.map((body) => ({ body })),
    );
    assert.deepEqual(got, [bodies[1], bodies[2]].sort());
    const p = compileJsonPattern(policy, { scope: 'MessageBody' });
    assert.equal(p.matches({ k: null }), false);
    assert.equal(p.matches({ k: 0 }), true);
  });

  it('MessageAttributes: a null alternative beside anything-but does not match a message without attributes', async () => {
    const policy = { store: [{ 'anything-but': 'x' }, null] };
    const other = { color: { DataType: 'String', StringValue: 'red' } };
    const got = await delivered(policy, 'MessageAttributes', [
      { body: 'no-attributes' },
      { body: 'other-attribute', attributes: other },
      { body: 'store-y', attributes: { store: { DataType: 'String', StringValue: 'y' } } },
      { body: 'store-x', attributes: { store: { DataType: 'String', StringValue: 'x' } } },
    ]);
    assert.deepEqual(got, ['other-attribute', 'store-y']);
    const p = compileJsonPattern(policy);
    assert.equal(p.matches({}), false);
    assert.equal(p.matches({ color: { Type: 'String', Value: 'red' } }), true);
  });

  it('MessageBody: a body that is not a JSON object matches nothing, not even exists: false', async () => {
    const policy = { k: [{ exists: false }] };
    const got = await delivered(policy, 'MessageBody', [
      { body: 'plain text' },
      { body: '[1,2]' },
      { body: '42' },
      { body: JSON.stringify({ other: 1 }) },
    ]);
    assert.deepEqual(got, [JSON.stringify({ other: 1 })]);
    const p = compileJsonPattern(policy, { scope: 'MessageBody' });
    assert.equal(p.matches('plain text'), false);
    assert.equal(p.matches([1, 2]), false);
    assert.equal(p.matches({ other: 1 }), true);
  });
});
