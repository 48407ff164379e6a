import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { applyTopology, consumerOptions, defineTopology, Listener, TopologyError } from 'sqs-mega';
import { startTestBroker, type TestBroker, waitFor } from 'sqs-mega-broker/testing';
import { publishAll } from '../runtime/helpers.js';
import { fieldOf } from '../topology/field-of.js';

const queues = [{ name: 'urgent' }, { name: 'bulk' }];

describe('topology consumers: validation naming the field', () => {
  test('unknown queue, duplicates, bad weights, policy', () => {
    assert.equal(
      fieldOf({ queues, consumers: [{ name: 'w', queues: [{ queue: 'nope' }] }] }),
      'consumers[0].queues[0].queue',
    );
    assert.equal(
      fieldOf({ queues, consumers: [{ name: 'w', queues: [{ queue: 'bulk' }, { queue: 'bulk' }] }] }),
      'consumers[0].queues[1].queue',
    );
    for (const weight of [0, -2, Number.NaN, Number.POSITIVE_INFINITY])
      assert.equal(
        fieldOf({
          queues,
          consumers: [{ name: 'w', policy: 'weighted', queues: [{ queue: 'bulk', weight }] }],
        }),
        'consumers[0].queues[0].weight',
      );
    assert.equal(
      fieldOf({ queues, consumers: [{ name: 'w', policy: 'fifo', queues: [{ queue: 'bulk' }] }] }),
      'consumers[0].policy',
    );
    assert.equal(
      fieldOf({
        queues,
        consumers: [
          { name: 'w', queues: [{ queue: 'bulk' }] },
          { name: 'w', queues: [{ queue: 'urgent' }] },
        ],
      }),
      'consumers[1].name',
    );
    assert.equal(fieldOf({ queues, consumers: [{ name: 'w', queues: [] }] }), 'consumers[0].queues');
  });
});

describe('topology consumers: a listener built from an applied topology', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.stop());

  test('consumerOptions gives the URLs in order, and the listener receives urgent work first', async () => {
    const sqs = new SQSClient(broker.clientConfig);
    const sns = new SNSClient(broker.clientConfig);
    const topology = defineTopology({
      queues,
      consumers: [{ name: 'worker', queues: [{ queue: 'urgent' }, { queue: 'bulk', minShare: 0.1 }] }],
    });
    const applied = await applyTopology({ sqs, sns }, topology);
    const options = consumerOptions(topology, applied, 'worker');
    assert.deepEqual(
      options.queues.map((q) => q.url),
      [applied.queues.urgent?.url, applied.queues.bulk?.url],
    );
    assert.equal(options.queues[1]?.minShare, 0.1);
    assert.throws(() => consumerOptions(topology, applied, 'nobody'), TopologyError);
    await publishAll(sqs, applied.queues.urgent?.url ?? '', [{ n: 1 }, { n: 2 }]);
    const listener = new Listener({ client: sqs, ...options, waitTimeSeconds: 1 });
    const from: string[] = [];
    listener.on('received', (e) => from.push(e.queueUrl));
    listener.subscribe(undefined, () => {}).start();
    await waitFor(() => listener.stats.processed === 2);
    await listener.stop();
    assert.deepEqual(from, [applied.queues.urgent?.url, applied.queues.urgent?.url]);
    sqs.destroy();
    sns.destroy();
  });
});
