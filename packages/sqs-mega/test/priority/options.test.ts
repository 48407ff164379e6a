import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Listener, ListenerOptionError, type ListenerOptions } from 'sqs-mega';

// Construction only: the listener is never started, so no request is sent.
const client = new SQSClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
after(() => client.destroy());

function refused(options: Omit<ListenerOptions, 'client'>): ListenerOptionError {
  try {
    new Listener({ client, ...options } as ListenerOptions);
  } catch (error) {
    assert.ok(error instanceof ListenerOptionError, String(error));
    return error;
  }
  assert.fail('expected a ListenerOptionError');
}

const a = 'http://localhost/000000000000/a';
const b = 'http://localhost/000000000000/b';

describe('priority listener options: typed errors at construction, naming the option', () => {
  test('exactly one of queueUrl and queues', () => {
    assert.equal(refused({ queueUrl: a, queues: [{ url: b }] }).option, 'queues');
    assert.match(refused({ queueUrl: a, queues: [{ url: b }] }).message, /cannot be given with queueUrl/);
    assert.equal(refused({}).option, 'queueUrl');
    assert.equal(refused({ queues: [] }).option, 'queues');
    assert.equal(refused({ queueUrl: a, priority: { policy: 'weighted' } }).option, 'priority');
  });

  test('a queue listed twice, or without a URL', () => {
    const error = refused({ queues: [{ url: a }, { url: b }, { url: a }] });
    assert.equal(error.option, 'queues[2].url');
    assert.match(error.message, /listed twice/);
    assert.equal(refused({ queues: [{ url: '' }] }).option, 'queues[0].url');
    assert.equal(refused({ queues: [{ url: a }, { uri: b } as never] }).option, 'queues[1].uri');
  });

  test('weights: finite and > 0', () => {
    for (const weight of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '3' as never]) {
      const error = refused({ queues: [{ url: a }, { url: b, weight }], priority: { policy: 'weighted' } });
      assert.equal(error.option, 'queues[1].weight');
      assert.match(error.message, /finite number > 0/);
    }
  });

  test('priority and minShare: strict only, well-formed, minShares under 1', () => {
    assert.equal(
      refused({ queues: [{ url: a, priority: 2 }, { url: b }] }).option,
      'queues[1].priority',
      'a priority for every queue or none',
    );
    assert.equal(refused({ queues: [{ url: a, priority: Number.NaN }] }).option, 'queues[0].priority');
    assert.equal(
      refused({ queues: [{ url: a, priority: 1 }], priority: { policy: 'weighted' } }).option,
      'queues[0].priority',
    );
    assert.equal(
      refused({ queues: [{ url: a }, { url: b, minShare: 0.1 }], priority: { policy: 'weighted' } }).option,
      'queues[1].minShare',
    );
    assert.equal(refused({ queues: [{ url: a }, { url: b, minShare: 1 }] }).option, 'queues[1].minShare');
    assert.equal(
      refused({
        queues: [
          { url: a, minShare: 0.5 },
          { url: b, minShare: 0.5 },
        ],
      }).option,
      'queues[].minShare',
    );
    assert.equal(
      refused({ queues: [{ url: a }], priority: { policy: 'fair' as never } }).option,
      'priority.policy',
    );
  });

  test('well-formed options build a listener, with the queues in the instrumentation', () => {
    let seen: readonly string[] = [];
    new Listener({
      client,
      queues: [
        { url: a, priority: 1 },
        { url: b, priority: 5, minShare: 0.1 },
      ],
      instrument: [
        {
          attach: (l) => {
            seen = l.queueUrls;
          },
        },
      ],
    });
    assert.deepEqual(seen, [a, b]);
    new Listener({ client, queues: [{ url: a, weight: 0.5 }, { url: b }], priority: { policy: 'weighted' } });
    new Listener({ client, queueUrl: a });
  });
});
