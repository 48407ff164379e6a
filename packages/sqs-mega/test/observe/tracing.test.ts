import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Listener, SqsPublisher } from 'sqs-mega';
import { listenerTracing, publisherTracing } from 'sqs-mega/tracing';
import { createQueue, queueCounts, receiveAll, waitFor } from 'sqs-mega-broker/testing';
import { brokerForFile } from '../runtime/helpers.js';
import { runId } from './stores.js';

const fixture = brokerForFile();
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
before(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
after(() => propagation.disable());

const named = (prefix: string) => exporter.getFinishedSpans().filter((s) => s.name.startsWith(prefix));
const id = (s: ReadableSpan | undefined) => s?.spanContext().spanId;

async function run(attributes: Record<string, string>, publisherOptions: object = {}) {
  exporter.reset();
  const client = fixture.client();
  const name = `trace-${runId()}`;
  const queue = await createQueue(client, name);
  const publisher = new SqsPublisher({
    client,
    queueUrl: queue.url,
    instrument: [publisherTracing({ tracerProvider })],
    ...publisherOptions,
  });
  await publisher.publish({ order: 1 }, { attributes });
  const listener = new Listener({
    client,
    queueUrl: queue.url,
    waitTimeSeconds: 1,
    instrument: [listenerTracing({ tracerProvider })],
  });
  fixture.listeners.push(listener);
  listener.subscribe(undefined, () => {}, { name: 'billing' });
  listener.subscribe(undefined, () => {}, { name: 'shipping' });
  listener.start();
  await waitFor(() => named('delete').length > 0 && named('process').length > 0, { timeoutMs: 10_000 });
  await listener.stop();
  return { name, client, url: queue.url };
}

describe('tracing', () => {
  test('producer → process (child and link) → handle per subscriber; receive and delete spans; semconv attributes', async () => {
    const { name } = await run({});
    const [send] = named('send');
    const [process] = named('process');
    assert.ok(send && process);
    assert.equal(send.kind, 3); // PRODUCER
    assert.equal(send.attributes['messaging.system'], 'aws_sqs');
    assert.equal(send.attributes['messaging.destination.name'], name);
    assert.equal(send.attributes['mega.trace_context'], 'attributes');
    assert.equal(process.kind, 4); // CONSUMER
    assert.equal(process.spanContext().traceId, send.spanContext().traceId);
    assert.equal(process.parentSpanContext?.spanId, id(send));
    assert.equal(process.links[0]?.context.spanId, id(send));
    assert.equal(process.attributes['messaging.message.id'], send.attributes['messaging.message.id']);
    assert.equal(process.attributes['messaging.operation.type'], 'process');
    const handles = named('handle');
    assert.deepEqual(handles.map((h) => h.name).sort(), ['handle billing', 'handle shipping']);
    for (const h of handles) assert.equal(h.parentSpanContext?.spanId, id(process));
    assert.ok(named('receive').some((r) => r.attributes['messaging.batch.message_count'] === 1));
    assert.equal(named('delete')[0]?.attributes['messaging.operation.name'], 'delete');
  });

  test('a message that already has 10 attributes carries the context in AWSTraceHeader, and the listener honours it', async () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, 'x']));
    await run(ten, { encodingAttribute: false, derivedAttributes: false });
    const [send] = named('send');
    const [process] = named('process');
    assert.equal(send?.attributes['mega.trace_context'], 'aws-trace-header');
    assert.equal(process?.spanContext().traceId, send?.spanContext().traceId);
    assert.equal(process?.parentSpanContext?.spanId, id(send));
  });

  test('with no SDK registered nothing is added to the message', async () => {
    const client = fixture.client();
    const queue = await createQueue(client, `notrace-${runId()}`);
    const publisher = new SqsPublisher({ client, queueUrl: queue.url, instrument: [publisherTracing()] });
    await publisher.publish({ order: 2 });
    const [message] = await receiveAll(client, queue.url);
    assert.equal(message?.MessageAttributes?.traceparent, undefined);
    assert.equal(message?.Attributes?.AWSTraceHeader, undefined);
    assert.equal((await queueCounts(client, queue.url)).inFlight, 1);
  });
});
