import type { Message } from '@aws-sdk/client-sqs';
import {
  type Context,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { LIMITS, messageBytes } from '../publish/limits.js';
import type { OutgoingMessage } from '../publish/message.js';

/** Where the trace context went on a published message. */
export type TraceCarrier = 'attributes' | 'aws-trace-header' | 'none' | 'dropped';

/**
 * Injects the active trace context of `context` into a message about to be sent: as W3C message
 * attributes (`traceparent`, `tracestate`) when they fit within the 10 attributes and the size limit;
 * else, on SQS, as the `AWSTraceHeader` system attribute (X-Ray format; not counted in the 10);
 * else (SNS with 10 attributes already) it is dropped and the caller says so on the span.
 */
export function injectTraceContext(
  context: Context,
  message: OutgoingMessage,
  target: { sns: boolean },
): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(context, carrier);
  const names = Object.keys(carrier);
  if (names.length === 0) return 'none';
  const added = Object.fromEntries(
    names.map((n) => [n, { DataType: 'String', StringValue: carrier[n] as string }]),
  );
  const attributes = { ...message.attributes, ...added };
  const max = target.sns ? LIMITS.snsMaxBytes : LIMITS.sqsMaxBytes;
  const bytes = messageBytes(message.body, attributes);
  if (Object.keys(attributes).length <= LIMITS.maxAttributes && bytes <= max) {
    message.attributes = attributes;
    message.bytes = bytes;
    return 'attributes';
  }
  const span = trace.getSpanContext(context);
  if (!target.sns && span) {
    message.systemAttributes = { AWSTraceHeader: { DataType: 'String', StringValue: toXRayHeader(span) } };
    return 'aws-trace-header';
  }
  return 'dropped';
}

/** The producer's context from a received message: W3C attributes first, else its `AWSTraceHeader`. */
export function extractTraceContext(
  message: Message,
  body?: { traceparent?: string; tracestate?: string },
): Context {
  const attributes = message.MessageAttributes ?? {};
  const carrier: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = attributes[name]?.StringValue ?? body?.[name as 'traceparent'];
    if (value) carrier[name] = value;
  }
  if (carrier.traceparent) return propagation.extract(ROOT_CONTEXT, carrier);
  const header = message.Attributes?.AWSTraceHeader;
  const span = header ? fromXRayHeader(header) : undefined;
  return span ? trace.setSpanContext(ROOT_CONTEXT, span) : ROOT_CONTEXT;
}

/** `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>` (AWS X-Ray's trace header). */
export function toXRayHeader(span: SpanContext): string {
  const sampled = (span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? 1 : 0;
  return `Root=1-${span.traceId.slice(0, 8)}-${span.traceId.slice(8)};Parent=${span.spanId};Sampled=${sampled}`;
}

/** Reads an X-Ray trace header into a remote span context; `undefined` when it is not one. */
export function fromXRayHeader(header: string): SpanContext | undefined {
  const fields = Object.fromEntries(
    header.split(';').map((part) => {
      const eq = part.indexOf('=');
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    }),
  );
  const root = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(fields.Root ?? '');
  const parent = fields.Parent ?? '';
  if (!root || !/^[0-9a-f]{16}$/.test(parent)) return undefined;
  return {
    traceId: `${root[1]}${root[2]}`,
    spanId: parent,
    traceFlags: fields.Sampled === '1' ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
}
