import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Listener } from 'sqs-mega';
import { createQueue, queueCounts, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile, publishAll } from './helpers.js';

const fixture = brokerForFile();

/**
 * A TCP relay in front of the broker that holds every byte of the broker's answers for `delayMs`:
 * a response is "in transit" for that long after the broker has handed out its messages.
 */
async function slowLink(
  target: string,
  delayMs: number,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(Number(port), hostname);
    sockets.add(downstream).add(upstream);
    downstream.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => setTimeout(() => downstream.writable && downstream.write(chunk), delayMs));
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('close', end).on('error', end);
    upstream.on('close', () => setTimeout(end, delayMs)).on('error', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('stop() with a receive in transit', () => {
  const links: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const link of links) await link.close();
  });

  async function setup(name: string) {
    const direct = fixture.client();
    const queue = await createQueue(direct, name);
    const link = await slowLink(fixture.broker.clientConfig.endpoint, 400);
    links.push(link);
    const slow = new SQSClient({ ...fixture.broker.clientConfig, endpoint: link.endpoint });
    const handled: string[] = [];
    const listener = new Listener({
      client: slow,
      queueUrl: queue.url,
      waitTimeSeconds: 1,
      visibilityTimeout: 60,
    });
    fixture.listeners.push(listener);
    listener.subscribe(undefined, (_p, ctx) => {
      handled.push(ctx.messageId);
    });
    await publishAll(direct, queue.url, [{ n: 1 }, { n: 2 }]);
    return { direct, queue, listener, handled, slow };
  }

  test('lets the receive land and releases its messages at once (visibility 0, a released event each)', async () => {
    const { direct, queue, listener, handled, slow } = await setup('in-transit');
    const released: string[] = [];
    listener.on('released', (e) => released.push(`${e.reason}:${e.messageId === e.message.MessageId}`));
    listener.start();
    // The broker has handed both messages out; its answer is still on the wire.
    await waitFor(async () => (await queueCounts(direct, queue.url)).inFlight === 2, { intervalMs: 10 });
    await listener.stop();
    assert.deepEqual(handled, [], 'nothing started after stop()');
    assert.deepEqual(released, ['stopping:true', 'stopping:true']);
    assert.deepEqual(await queueCounts(direct, queue.url), { visible: 2, inFlight: 0, delayed: 0 });
    slow.destroy();
  });

  test('stop({ abort: true }) ends the receive at once; what it carried stays in flight', async () => {
    const { direct, queue, listener, slow } = await setup('in-transit-abort');
    listener.start();
    await waitFor(async () => (await queueCounts(direct, queue.url)).inFlight === 2, { intervalMs: 10 });
    const started = performance.now();
    await listener.stop({ abort: true });
    assert.ok(performance.now() - started < 300, `${performance.now() - started} ms`);
    assert.equal(listener.stats.released, 0);
    assert.equal((await queueCounts(direct, queue.url)).inFlight, 2);
    slow.destroy();
  });
});
