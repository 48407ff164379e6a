import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startTestBroker, type TestBroker } from 'sqs-mega-broker/testing';

const MiB = 1024 * 1024;

// A body over maxBodyBytes is answered with a 413 at once, while the client is still sending it. The
// client must get to read that answer: closing the connection under a client that is still writing
// ends, for the AWS SDK (and the CLI), in `write EPIPE` or `ECONNRESET` instead.
describe('a request body over maxBodyBytes, sent by the real AWS SDK', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ maxBodyBytes: MiB, queues: ['big'] });
  });
  after(() => broker.stop());

  it('gets RequestEntityTooLarge (JSON protocol, 20 MiB body), every time, and the client keeps working', async () => {
    const QueueUrl = broker.queues.big?.url;
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        broker.sqsClient.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(20 * MiB) })),
        (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(error.name, 'RequestEntityTooLarge', `${error.name}: ${error.message}`);
          assert.equal(error.$metadata?.httpStatusCode, 413);
          assert.match(error.message, /larger than the broker's limit of 1048576 bytes/);
          return true;
        },
      );
    }
    const listed = await broker.sqsClient.send(new ListQueuesCommand({}));
    assert.equal(listed.QueueUrls?.length, 1);
  });

  it('a client that reads only once it has sent its whole body still reads the 413', async () => {
    const { hostname, port } = new URL(broker.url);
    const body = Buffer.alloc(20 * MiB, 0x61);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      socket.pause(); // like a client busy writing: the answer waits in the socket until the body is out
      let text = '';
      socket.on('error', reject);
      socket.on('data', (c: Buffer) => {
        text += c.toString('latin1');
        if (/\r\n\r\n[\s\S]*"message"[\s\S]*}/.test(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      const head =
        'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n' +
        `X-Amz-Target: AmazonSQS.SendMessage\r\nContent-Length: ${body.length}\r\n\r\n`;
      socket.write(head);
      socket.write(body, () => setTimeout(() => socket.resume(), 1500));
    });
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /RequestEntityTooLarge/);
  });

  it('gets RequestEntityTooLarge over the Query protocol too (SNS Publish of 5 MiB)', async () => {
    const sns = new SNSClient(broker.clientConfig);
    try {
      await assert.rejects(
        sns.send(
          new PublishCommand({
            TopicArn: 'arn:aws:sns:us-east-1:000000000000:none',
            Message: 'x'.repeat(5 * MiB),
          }),
        ),
        (error: Error) => {
          assert.equal(error.name, 'RequestEntityTooLarge', `${error.name}: ${error.message}`);
          return true;
        },
      );
    } finally {
      sns.destroy();
    }
  });
});
