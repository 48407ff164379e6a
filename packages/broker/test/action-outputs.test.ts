// The action tables are typed by the AWS SDK's outputs (src/action-outputs.ts): an action that returns
// a member its SDK output does not have, at any depth, or one of the wrong type, does not compile.
// The `@ts-expect-error` lines below are the test: `npm run typecheck` covers this file and fails
// when one of them stops being an error (TS2578, unused directive). The broker's own tables
// (sqsActions, snsActions) are declared through actionTable, so the typecheck holds them to the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionTable } from '../src/action-outputs.js';
import type { SqsOutputs } from '../src/sqs/actions/index.js';

type Outputs = Pick<SqsOutputs, 'ReceiveMessage' | 'DeleteQueue' | 'SendMessageBatch' | 'GetQueueAttributes'>;
const table = actionTable<null, null, Record<string, unknown>, Outputs>();

const stringAttributes: Record<string, string> = { VisibilityTimeout: '30' };
const numberAttributes: Record<string, number> = { VisibilityTimeout: 30 };
const message = { MessageId: 'm', ReceiptHandle: 'r', MD5OfBody: 'x', Body: 'b' };
const good = {
  ReceiveMessage: () => ({
    Messages: [{ ...message, MessageAttributes: { a: { DataType: 'Binary', BinaryValue: 'AAE=' } } }],
  }),
  DeleteQueue: async () => ({}),
  // the SDK marks Failed required; on the wire it is absent when no entry failed
  SendMessageBatch: () => ({ Successful: [{ Id: '1', MessageId: 'm', MD5OfMessageBody: 'x' }] }),
  GetQueueAttributes: () => ({ Attributes: stringAttributes }),
};

/** Never called: each table below must fail to compile (and the directive names why). */
export function fixtures() {
  table({
    ...good,
    // @ts-expect-error a member ReceiveMessageResult does not have
    ReceiveMessage: () => ({ Messages: [message], NextToken: 't' }),
  });
  table({
    ...good,
    // @ts-expect-error a member Message does not have, inside the list (no object-literal check reaches it)
    ReceiveMessage: () => {
      const messages = [{ ...message, Receipt: 'r' }];
      return { Messages: messages };
    },
  });
  table({
    ...good,
    // @ts-expect-error the wrong type: Body is a string
    ReceiveMessage: () => ({ Messages: [{ ...message, Body: 1 }] }),
  });
  table({
    ...good,
    // @ts-expect-error a blob is base64 on the wire, never bytes
    ReceiveMessage: () => ({ Messages: [{ MessageAttributes: { a: { BinaryValue: new Uint8Array(1) } } }] }),
  });
  table({
    ...good,
    // @ts-expect-error DeleteQueue has no output members
    DeleteQueue: async () => ({ QueueUrl: 'u' }),
  });
  table({
    ...good,
    // @ts-expect-error the failed entries' SenderFault is a boolean
    SendMessageBatch: () => ({ Failed: [{ Id: '1', SenderFault: 'true', Code: 'c' }] }),
  });
  table({
    ...good,
    // @ts-expect-error attribute values are strings (assignability alone lets a Record of numbers through)
    GetQueueAttributes: () => ({ Attributes: numberAttributes }),
  });
  // @ts-expect-error an action of the outputs without a handler
  table({
    ReceiveMessage: good.ReceiveMessage,
    DeleteQueue: good.DeleteQueue,
    SendMessageBatch: good.SendMessageBatch,
  });
  // @ts-expect-error a handler for an action the outputs do not name
  table({ ...good, PurgeQueue: () => ({}) });
}

describe('action tables typed by the SDK outputs', () => {
  it('actionTable accepts handlers that return their SDK output, and returns the table as given', async () => {
    const t = table(good);
    assert.equal(t.DeleteQueue, good.DeleteQueue);
    assert.deepEqual(await t.ReceiveMessage(null, null, {}), good.ReceiveMessage());
    assert.equal(typeof fixtures, 'function');
  });
});
