import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createQueue, receiveAll, startTestBroker, type TestBroker } from '../src/testing/index.js';

describe('test kit: receiveAll', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(() => broker.stop());

  it('returns each visible message once, also with a visibility timeout of 0 (it used to loop forever)', async () => {
    const { url } = await createQueue(broker.sqsClient, 'kit-receive-all');
    for (const ids of [
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12],
    ])
      await broker.sqsClient.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: ids.map((i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })),
        }),
      );
    const once = await receiveAll(broker.sqsClient, url, 0);
    assert.deepEqual(
      once.map((m) => m.Body).sort(),
      Array.from({ length: 13 }, (_, i) => `body ${i}`).sort(),
    );
    const held = await receiveAll(broker.sqsClient, url);
    assert.equal(held.length, 13, 'visibility 0 left them visible');
    assert.deepEqual(await receiveAll(broker.sqsClient, url), [], 'the default visibility holds them');
  });
});
