import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Topology, TopologyError, validateTopology } from '../../src/index.js';
import { fieldOf } from './field-of.js';

describe('topology validation: typed errors naming the field', () => {
  it('a subscription naming an unknown topic or queue', () => {
    const base: Topology = { queues: [{ name: 'billing' }], topics: [{ name: 'orders' }] };
    assert.equal(
      fieldOf({ ...base, subscriptions: [{ topic: 'order', queue: 'billing' }] }),
      'subscriptions[0].topic',
    );
    assert.equal(
      fieldOf({ ...base, subscriptions: [{ topic: 'orders', queue: 'bill' }] }),
      'subscriptions[0].queue',
    );
  });

  it("a FIFO queue's dead-letter queue must be FIFO (and a standard queue's standard)", () => {
    const error = (() => {
      try {
        validateTopology({
          queues: [{ name: 'jobs.fifo', deadLetter: { queue: 'dlq', maxReceiveCount: 3 } }, { name: 'dlq' }],
        });
      } catch (e) {
        return e as TopologyError;
      }
    })();
    assert.ok(error instanceof TopologyError);
    assert.equal(error.field, 'queues[0].deadLetter.queue');
    assert.match(error.message, /must be a FIFO queue/);
    assert.equal(
      fieldOf({
        queues: [
          { name: 'jobs', deadLetter: { queue: 'dlq.fifo', maxReceiveCount: 3 } },
          { name: 'dlq.fifo' },
        ],
      }),
      'queues[0].deadLetter.queue',
    );
  });

  it('a filter policy SNS would reject names SNS reason', () => {
    const topology = {
      queues: [{ name: 'q' }],
      topics: [{ name: 't' }],
      subscriptions: [{ topic: 't', queue: 'q', filterPolicy: { a: [], b: ['x'] } }],
    };
    assert.throws(() => validateTopology(topology), {
      name: 'TopologyError',
      field: 'subscriptions[0].filterPolicy',
      message: /Empty arrays are not allowed/,
    });
    assert.equal(
      fieldOf({
        ...topology,
        subscriptions: [{ topic: 't', queue: 'q', filterPolicy: { a: { b: ['x'] } } }],
      }),
      'subscriptions[0].filterPolicy',
    );
  });

  it('names, fifo flags, read-only attributes, cycles, duplicates and unknown fields', () => {
    assert.equal(fieldOf({ queues: [{ name: 'bad name' }] }), 'queues[0].name');
    assert.equal(fieldOf({ queues: [{ name: 'jobs', fifo: true }] }), 'queues[0].fifo');
    assert.equal(
      fieldOf({ queues: [{ name: 'q', attributes: { QueueArn: 'x' } }] }),
      'queues[0].attributes.QueueArn',
    );
    assert.equal(
      fieldOf({ queues: [{ name: 'q', attributes: { RedrivePolicy: '{}' } }] }),
      'queues[0].attributes.RedrivePolicy',
    );
    assert.equal(
      fieldOf({ queues: [{ name: 'q', attributes: { ContentBasedDeduplication: true } }] }),
      'queues[0].attributes.ContentBasedDeduplication',
    );
    assert.equal(
      fieldOf({ queues: [{ name: 'q', deadLetter: { queue: 'q', maxReceiveCount: 1 } }] }),
      'queues[0].deadLetter.queue',
    );
    assert.equal(
      fieldOf({
        queues: [
          { name: 'a', deadLetter: { queue: 'b', maxReceiveCount: 1 } },
          { name: 'b', deadLetter: { queue: 'a', maxReceiveCount: 1 } },
        ],
      }),
      'queues[0].deadLetter.queue',
    );
    assert.equal(
      fieldOf({ queues: [{ name: 'a', deadLetter: { queue: 'a2', maxReceiveCount: 0 } }] }),
      'queues[0].deadLetter.maxReceiveCount',
    );
    assert.equal(fieldOf({ queues: [{ name: 'a' }, { name: 'a' }] }), 'queues[1].name');
    assert.equal(fieldOf({ queues: [{ name: 'a', visibility: 30 }] }), 'queues[0].visibility');
    assert.equal(
      fieldOf({
        topics: [{ name: 't' }],
        queues: [{ name: 'q.fifo' }],
        subscriptions: [{ topic: 't', queue: 'q.fifo' }],
      }),
      'subscriptions[0].queue',
    );
    assert.equal(fieldOf([]), 'topology');
  });

  it('dead-letter queues come before their sources, whatever the declared order', () => {
    const normal = validateTopology({
      queues: [
        { name: 'orders', deadLetter: { queue: 'orders-dlq', maxReceiveCount: 5 } },
        { name: 'orders-dlq', deadLetter: { queue: 'last-resort', maxReceiveCount: 1 } },
        { name: 'last-resort' },
      ],
    });
    assert.deepEqual(
      normal.queues.map((q) => q.name),
      ['last-resort', 'orders-dlq', 'orders'],
    );
  });
});
