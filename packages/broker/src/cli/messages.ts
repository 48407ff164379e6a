import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { decodeMessage } from 'sqs-mega';
import { setOwn } from 'sqs-mega/core';
import {
  type AttributeArg,
  attributeOption,
  type ClientOptions,
  clientAction,
  clientCommand,
  colours,
  integerOption,
  printJson,
  queueUrl,
  rangeOption,
  readBody,
} from './common.js';

/** `mega send` and `mega tail`. */

/**
 * Message attributes from `--attribute` options (`Binary` values given in base64), in the shape both
 * the SQS and the SNS SDK take.
 */
export function messageAttributes(list: AttributeArg[] = []): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const a of list) {
    setOwn(
      out,
      a.name,
      a.type.startsWith('Binary')
        ? { DataType: a.type, BinaryValue: Buffer.from(a.value, 'base64') }
        : { DataType: a.type, StringValue: a.value },
    );
  }
  return out;
}

interface SendOptions extends ClientOptions {
  file?: string;
  attribute?: AttributeArg[];
  groupId?: string;
  dedupId?: string;
  delay?: number;
}

interface TailOptions extends ClientOptions {
  delete: boolean;
  count?: number;
  idle?: number;
  visibility: number;
}

/** An attribute as `tail` shows it: its type and its value (`Binary` in base64). */
interface ShownAttribute {
  type: string;
  value: string;
}

/** SQS message attributes as `tail` shows them. */
function sqsAttributes(message: Message): Record<string, ShownAttribute> {
  const out: Record<string, ShownAttribute> = {};
  for (const [name, v] of Object.entries(message.MessageAttributes ?? {})) {
    const type = v.DataType ?? 'String';
    const value = v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : (v.StringValue ?? '');
    setOwn(out, name, { type, value });
  }
  return out;
}

/** The message attributes of an SNS envelope (what the publisher attached), as `tail` shows them. */
function envelopeAttributes(
  attributes: Record<string, { Type: string; Value: string }> | undefined,
): Record<string, ShownAttribute> {
  const out: Record<string, ShownAttribute> = {};
  for (const [name, a] of Object.entries(attributes ?? {}))
    setOwn(out, name, { type: a.Type, value: a.Value });
  return out;
}

const values = (attributes: Record<string, ShownAttribute>) =>
  Object.fromEntries(Object.entries(attributes).map(([k, a]) => [k, a.value]));

/**
 * What `tail --json` prints for a message (one JSON object per line). `attributes` are the SQS message
 * attributes (name → value); a message that came through an SNS topic also has the topic's
 * `topicArn`, the publisher's `subject` and the publisher's message attributes (`topicAttributes`).
 */
function messageJson(message: Message) {
  const decoded = decodeMessage(message.Body ?? '', message.MessageAttributes);
  const sns = decoded.kind === 'sns-confirmation' ? undefined : decoded.sns;
  const base = {
    messageId: message.MessageId,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    groupId: message.Attributes?.MessageGroupId,
    attributes: values(sqsAttributes(message)),
    ...(sns
      ? {
          topicArn: sns.topicArn,
          subject: sns.subject,
          topicAttributes: values(envelopeAttributes(sns.messageAttributes)),
        }
      : {}),
  };
  switch (decoded.kind) {
    case 'sns-confirmation':
      return { ...base, kind: decoded.kind, type: decoded.type, topicArn: decoded.topicArn };
    case 'mega':
      return { ...base, kind: 'mega' as const, event: decoded.event };
    case 'data':
      return { ...base, kind: 'data' as const, data: decoded.data };
    case 'text':
      return { ...base, kind: 'text' as const, text: decoded.text };
    case 'binary':
      return { ...base, kind: 'binary' as const, base64: Buffer.from(decoded.bytes).toString('base64') };
    case 'invalid':
      return { ...base, kind: 'invalid' as const, reason: decoded.reason };
  }
}

/**
 * Attributes on one line, `name=value`: String values JSON-quoted (so spaces, `=` and empty values
 * read unambiguously), numbers bare, binary values as `base64:<data>`; the codec's `mega-encoding`
 * marker left out.
 */
export function formatAttributes(attributes: Record<string, ShownAttribute>): string {
  return Object.entries(attributes)
    .filter(([name]) => name !== 'mega-encoding')
    .map(([name, { type, value }]) => {
      const key = /^[A-Za-z0-9_.-]+$/.test(name) ? name : JSON.stringify(name);
      if (type.startsWith('Number')) return `${key}=${value}`;
      if (type.startsWith('Binary')) return `${key}=base64:${value}`;
      if (type === 'String.Array') return `${key}=${value}`;
      return `${key}=${JSON.stringify(value)}`;
    })
    .join(' ');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** A message as text: a header line, then the decoded payload (MEGA events and data pretty-printed). */
function messageText(message: Message): string {
  const c = colours();
  const m = messageJson(message);
  const via = m.topicArn ? c.dim(` via ${m.topicArn.slice(m.topicArn.lastIndexOf(':') + 1)}`) : '';
  const head = `${c.dim(`${m.messageId}`)} ${c.dim(`#${m.receiveCount}`)}${via}`;
  const decoded = decodeMessage(message.Body ?? '', message.MessageAttributes);
  const sns = decoded.kind === 'sns-confirmation' ? undefined : decoded.sns;
  const attrs = formatAttributes(sqsAttributes(message));
  const topicAttrs = sns ? formatAttributes(envelopeAttributes(sns.messageAttributes)) : '';
  const lines = [head];
  switch (m.kind) {
    case 'mega': {
      const e = m.event.event;
      lines.push(
        `${c.bold(c.cyan(e.name))} ${[e.subject, e.domain, e.timestamp].filter(Boolean).join('  ')}`,
      );
      lines.push(indent(JSON.stringify(m.event, null, 2)));
      break;
    }
    case 'data':
      lines.push(`${c.yellow('data')}`, indent(JSON.stringify(m.data, null, 2)));
      break;
    case 'text':
      lines.push(indent(m.text));
      break;
    case 'binary':
      lines.push(`${c.yellow('binary')} ${m.base64}`);
      break;
    case 'invalid':
      lines.push(`${c.red('invalid')} ${m.reason}`, indent(message.Body ?? ''));
      break;
    case 'sns-confirmation':
      lines.push(`${c.yellow(m.type)} for ${m.topicArn}`);
      break;
  }
  const details = [
    sns?.subject !== undefined ? `  subject: ${JSON.stringify(sns.subject)}` : '',
    topicAttrs ? `  topic attributes: ${topicAttrs}` : '',
    attrs ? `  attributes: ${attrs}` : '',
  ].filter((line) => line !== '');
  lines.splice(1, 0, ...details.map((line) => c.dim(line)));
  return lines.join('\n');
}

export function registerMessages(program: Command): void {
  clientCommand(program, 'send', 'send a message to a queue')
    .argument('<queue>', 'queue name or URL')
    .argument('[body]', 'message body (or --file)')
    .option('--file <file>', 'read the body from a file ("-" for standard input)')
    .option(
      '--attribute <name[:Type]=value>',
      'message attribute, String unless a Type is given (repeatable)',
      attributeOption,
    )
    .option('--group-id <id>', 'message group id (FIFO and fair queues)')
    .option('--dedup-id <id>', 'deduplication id (FIFO queues)')
    .option('--delay <seconds>', 'delivery delay, 0-900 (standard queues)', rangeOption(0, 900))
    .action(
      clientAction(async ({ sqs }, options: SendOptions, queue: string, body: string | undefined) => {
        const MessageBody = readBody(body, options.file);
        const url = await queueUrl(sqs, queue);
        const out = await sqs.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody,
            MessageAttributes: options.attribute ? messageAttributes(options.attribute) : undefined,
            MessageGroupId: options.groupId,
            MessageDeduplicationId: options.dedupId,
            DelaySeconds: options.delay,
          }),
        );
        if (options.json)
          printJson({
            messageId: out.MessageId,
            sequenceNumber: out.SequenceNumber,
            md5OfBody: out.MD5OfMessageBody,
          });
        else console.log(out.MessageId);
      }),
    );

  clientCommand(
    program,
    'tail',
    'receive messages and print their decoded payloads (MEGA events pretty-printed, SNS envelopes unwrapped)',
  )
    .argument('<queue>', 'queue name or URL')
    .option(
      '--delete',
      'delete each message once printed (default: peek, and release them when tail stops)',
      false,
    )
    .option('--count <n>', 'stop after this many messages', rangeOption(1, Number.MAX_SAFE_INTEGER))
    .option(
      '--idle <seconds>',
      'stop once no message arrived for this long (default: follow until Ctrl-C)',
      integerOption,
    )
    .option(
      '--visibility <seconds>',
      'how long peeked messages stay hidden while tail runs (0-43200)',
      rangeOption(0, 43_200),
      30,
    )
    .action(
      clientAction(async ({ sqs }, options: TailOptions, queue: string) => {
        const url = await queueUrl(sqs, queue);
        const held = new Map<string, string>(); // peeked message id → latest receipt handle
        let printed = 0;
        let stopping = false;
        const stop = () => {
          stopping = true;
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let lastMessageAt = Date.now();
        const abort = new AbortController();
        const onSignal = () => abort.abort();
        process.once('SIGINT', onSignal);
        try {
          while (!stopping && (options.count === undefined || printed < options.count)) {
            const idleLeft =
              options.idle === undefined ? 20 : options.idle - (Date.now() - lastMessageAt) / 1000;
            if (idleLeft <= 0) break;
            const want = options.count === undefined ? 10 : Math.min(10, options.count - printed);
            let messages: Message[] = [];
            try {
              const out = await sqs.send(
                new ReceiveMessageCommand({
                  QueueUrl: url,
                  MaxNumberOfMessages: want,
                  WaitTimeSeconds: Math.max(0, Math.min(20, Math.ceil(idleLeft))),
                  VisibilityTimeout: options.delete ? undefined : options.visibility,
                  MessageAttributeNames: ['All'],
                  MessageSystemAttributeNames: ['All'],
                }),
                { abortSignal: abort.signal },
              );
              messages = out.Messages ?? [];
            } catch (error) {
              if (abort.signal.aborted) break;
              throw error;
            }
            for (const message of messages) {
              const id = message.MessageId ?? '';
              const seen = held.has(id);
              if (!options.delete) held.set(id, message.ReceiptHandle ?? '');
              if (seen) continue;
              lastMessageAt = Date.now();
              if (options.json) process.stdout.write(`${JSON.stringify(messageJson(message))}\n`);
              else console.log(`${messageText(message)}\n`);
              printed++;
              if (options.delete)
                await sqs.send(
                  new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }),
                );
            }
          }
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.off('SIGINT', onSignal);
          await release(url, [...held.values()]);
        }
        if (!options.json && printed === 0) console.error('no messages');

        async function release(QueueUrl: string, handles: string[]) {
          for (let i = 0; i < handles.length; i += 10) {
            const Entries = handles
              .slice(i, i + 10)
              .map((ReceiptHandle, j) => ({ Id: `m${j}`, ReceiptHandle, VisibilityTimeout: 0 }));
            await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries }));
          }
        }
      }),
    );
}
