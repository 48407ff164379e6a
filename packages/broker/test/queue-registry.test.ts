// QueueRegistry.byArn: the ARN index stays in step with create, delete and reload.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueueRegistry } from '../src/sqs/queue-registry.js';
import { HeapStore } from '../src/store/heap/index.js';

const row = (name: string) => ({
  region: 'us-east-1',
  name,
  fifo: 0,
  attributes: '{}',
  tags: '{}',
  created_at: 1,
  modified_at: 1,
});

describe('QueueRegistry.byArn', () => {
  it('finds a created queue by its ARN, and no longer once deleted', async () => {
    const store = new HeapStore();
    const registry = new QueueRegistry(store, '000000000000');
    const queue = await store.write(() => registry.create(row('orders')));
    assert.equal(registry.byArn('arn:aws:sqs:us-east-1:000000000000:orders'), queue);
    assert.equal(registry.byArn('arn:aws:sqs:us-east-1:111111111111:orders'), undefined);
    assert.equal(registry.byArn('arn:aws:sns:us-east-1:000000000000:orders'), undefined);
    assert.equal(registry.byArn('arn:aws:sqs:eu-west-1:000000000000:orders'), undefined);
    // another partition names the same queue, as before the index
    assert.equal(registry.byArn('arn:aws-cn:sqs:us-east-1:000000000000:orders'), queue);
    await store.write(() => registry.delete(queue));
    assert.equal(registry.byArn('arn:aws:sqs:us-east-1:000000000000:orders'), undefined);
    assert.equal(registry.byArn('arn:aws-cn:sqs:us-east-1:000000000000:orders'), undefined);
  });

  it('rebuilds the index on reload', async () => {
    const store = new HeapStore();
    const registry = new QueueRegistry(store, '000000000000');
    await store.write(() => registry.create(row('a')));
    registry.reload();
    assert.equal(registry.byArn('arn:aws:sqs:us-east-1:000000000000:a')?.name, 'a');
  });
});
