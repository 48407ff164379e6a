// sqs-mega/tracing: OpenTelemetry tracing with @opentelemetry/api only (an optional peer dependency,
// loaded only by this entry point); the application brings and registers the SDK. Without one,
// every call here is a no-op of the API.
import type { Message } from '@aws-sdk/client-sqs';
import {
  context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { ListenerInstrumentation } from '../listen/instrumentation.js';
import { isProcessStatus, ProcessStatus } from '../listen/types.js';
import type { PublisherInstrumentation } from '../publish/instrumentation.js';
import { extractTraceContext, injectTraceContext } from './carrier.js';

export {
  extractTraceContext,
  fromXRayHeader,
  injectTraceContext,
  type TraceCarrier,
  toXRayHeader,
} from './carrier.js';

/** Options of {@link listenerTracing} and {@link publisherTracing}. */
export interface TracingOptions {
  /** Default: the global tracer provider (the registered SDK's, or the API's no-op). */
  tracerProvider?: TracerProvider;
}

const NAME = 'sqs-mega';

function tracer(options: TracingOptions): Tracer {
  return (options.tracerProvider ?? trace).getTracer(NAME);
}

function destination(url: string): string {
  const slash = url.lastIndexOf('/');
  return slash >= 0 ? url.slice(slash + 1) : url.slice(url.lastIndexOf(':') + 1);
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/**
 * Producer spans for a publisher (`instrument: [publisherTracing()]`): one `send <destination>`
 * span per message (kind PRODUCER, messaging semantic conventions), whose W3C context goes with the
 * message: as `traceparent`/`tracestate` attributes when they fit within the 10 attributes, else on
 * SQS as the `AWSTraceHeader` system attribute (not counted in the 10); on SNS with 10 attributes
 * already it is dropped (`mega.trace_context = dropped` on the span).
 */
export function publisherTracing(options: TracingOptions = {}): PublisherInstrumentation {
  // A ProxyTracer from the global provider follows an SDK registered later on.
  const tracerOf = tracer(options);
  return {
    async message(message, target, publish) {
      const name = destination(target.destination);
      const span = tracerOf.startSpan(`send ${name}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': target.sns ? 'aws_sns' : 'aws_sqs',
          'messaging.destination.name': name,
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
        },
      });
      const ctx = trace.setSpan(context.active(), span);
      if (trace.isSpanContextValid(span.spanContext())) {
        const carrier = injectTraceContext(ctx, message, target);
        span.setAttribute('mega.trace_context', carrier);
      }
      try {
        const result = (await context.with(ctx, publish)) as { messageId?: string };
        if (result?.messageId) span.setAttribute('messaging.message.id', result.messageId);
        return result as never;
      } catch (error) {
        fail(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}

/**
 * Consumer spans for a listener (`instrument: [listenerTracing()]`): `receive <queue>` per
 * ReceiveMessage; `process <queue>` per message (kind CONSUMER), child of and linked to the
 * producer's span (from the W3C attributes, an SNS envelope's attributes, or `AWSTraceHeader`);
 * `handle <subscriber>` per subscriber run inside it; `delete <queue>` per delete call.
 */
export function listenerTracing(options: TracingOptions = {}): ListenerInstrumentation {
  const spans = new WeakMap<Message, Span>();
  const tracerOf = tracer(options);
  let queue = '';
  const base = () => ({ 'messaging.system': 'aws_sqs', 'messaging.destination.name': queue });
  return {
    attach(listener) {
      queue = destination(listener.queueUrl);
      listener.client.middlewareStack.add(
        (next, ctx) => async (args) => {
          const input = args.input as { QueueUrl?: string; Entries?: unknown[] };
          const command = ctx.commandName;
          if (
            input.QueueUrl !== listener.queueUrl ||
            (command !== 'DeleteMessageBatchCommand' && command !== 'DeleteMessageCommand')
          )
            return next(args);
          const span = tracerOf.startSpan(`delete ${queue}`, {
            kind: SpanKind.CLIENT,
            attributes: {
              ...base(),
              'messaging.operation.type': 'settle',
              'messaging.operation.name': 'delete',
              'messaging.batch.message_count': input.Entries?.length ?? 1,
            },
          });
          try {
            return await next(args);
          } catch (error) {
            fail(span, error);
            throw error;
          } finally {
            span.end();
          }
        },
        { step: 'initialize', name: `mega-tracing-${Math.random().toString(36).slice(2)}` },
      );
    },
    async receive(_url, receive) {
      const span = tracerOf.startSpan(`receive ${queue}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          ...base(),
          'messaging.operation.type': 'receive',
          'messaging.operation.name': 'receive',
        },
      });
      try {
        const messages = await receive();
        span.setAttribute('messaging.batch.message_count', messages.length);
        return messages;
      } catch (error) {
        fail(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
    async message(message, _url, process) {
      const producer = extractTraceContext(message, snsAttributes(message));
      const producerSpan = trace.getSpanContext(producer);
      const links: Link[] = producerSpan ? [{ context: producerSpan }] : [];
      const span = tracerOf.startSpan(
        `process ${queue}`,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: {
            ...base(),
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.message.id': message.MessageId ?? '',
            'messaging.aws_sqs.receive_count': Number(message.Attributes?.ApproximateReceiveCount ?? 1),
          },
        },
        producer,
      );
      // No SDK and no producer context: nothing to record or pass on.
      if (!span.isRecording() && !trace.isSpanContextValid(span.spanContext())) return process();
      spans.set(message, span);
      try {
        const left = await context.with(trace.setSpan(producer, span), process);
        span.setAttribute('mega.settled', left ? 'removed' : 'kept');
        return left;
      } catch (error) {
        fail(span, error);
        throw error;
      } finally {
        span.end();
        spans.delete(message);
      }
    },
    middleware: (next) => async (payload, ctx) => {
      const parent = spans.get(ctx.message);
      const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active();
      const span = tracerOf.startSpan(
        `handle ${ctx.subscriber}`,
        { kind: SpanKind.INTERNAL, attributes: { ...base(), 'mega.subscriber': ctx.subscriber } },
        parentContext,
      );
      if (!span.isRecording() && !trace.isSpanContextValid(span.spanContext())) return next(payload, ctx);
      try {
        const result = await context.with(trace.setSpan(parentContext, span), () => next(payload, ctx));
        const status = isProcessStatus(result) ? result : ProcessStatus.DONE;
        span.setAttribute('mega.status', status);
        if (status !== ProcessStatus.DONE) span.setStatus({ code: SpanStatusCode.ERROR, message: status });
        return result;
      } catch (error) {
        fail(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}

/** The trace attributes of an SNS envelope in the body, read only when the body mentions them. */
function snsAttributes(message: Message): { traceparent?: string; tracestate?: string } | undefined {
  if (message.MessageAttributes?.traceparent || !message.Body?.includes('"traceparent"')) return undefined;
  try {
    const envelope = JSON.parse(message.Body) as { MessageAttributes?: Record<string, { Value?: string }> };
    const a = envelope.MessageAttributes ?? {};
    return {
      ...(a.traceparent?.Value ? { traceparent: a.traceparent.Value } : {}),
      ...(a.tracestate?.Value ? { tracestate: a.tracestate.Value } : {}),
    };
  } catch {
    return undefined;
  }
}
