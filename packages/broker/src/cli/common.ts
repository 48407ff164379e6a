import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Command, InvalidArgumentError } from 'commander';
import { UsageError } from './errors.js';

// What every client command shares: where to connect, how to print, how to fail.

export { describeError, UsageError } from './errors.js';

/** The local broker `mega serve` listens on by default. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9324';

export interface ClientOptions {
  endpoint: string;
  region?: string;
  json: boolean;
}

export interface Clients {
  sqs: SQSClient;
  sns: SNSClient;
}

/** Adds `--endpoint`, `--region` and `--json` to a command that talks to SQS/SNS. */
export function clientCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option(
      '--endpoint <url>',
      'SQS/SNS endpoint; "aws" for Amazon SQS/SNS (env MEGA_ENDPOINT)',
      process.env.MEGA_ENDPOINT ?? DEFAULT_ENDPOINT,
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)')
    .option('--json', 'print machine-readable JSON', false);
}

function isLocal(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Whether the standard AWS configuration names credentials (environment, profile or shared files). */
function awsCredentialsConfigured(): boolean {
  const env = process.env;
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
  const file = env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
  return existsSync(file);
}

/**
 * SQS and SNS clients for `--endpoint` and `--region`, with the standard AWS credentials (environment,
 * profile, shared files...), or `test`/`test` when none are configured and the endpoint is local.
 */
export function createClients(options: ClientOptions): Clients {
  const aws = options.endpoint === 'aws';
  if (!aws) {
    try {
      new URL(options.endpoint);
    } catch {
      throw new UsageError(`--endpoint must be a URL or "aws" (got ${options.endpoint})`);
    }
  }
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const dummy = !aws && isLocal(options.endpoint) && !awsCredentialsConfigured();
  const config = {
    region,
    ...(aws ? {} : { endpoint: options.endpoint }),
    ...(dummy ? { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {}),
    maxAttempts: 2,
  };
  return { sqs: new SQSClient(config), sns: new SNSClient(config) };
}

/**
 * Wraps a client command's action: clients are created from its options and destroyed afterwards;
 * an AWS error prints its code and message and exits 1.
 */
export function clientAction<A extends unknown[], O extends ClientOptions>(
  fn: (clients: Clients, options: O, ...args: A) => Promise<void>,
): (...args: [...A, O, Command]) => Promise<void> {
  return async (...all) => {
    const options = all[all.length - 2] as O;
    const args = all.slice(0, -2) as A;
    const clients = createClients(options);
    try {
      await fn(clients, options, ...args);
    } catch (error) {
      throw unreachable(error, options.endpoint) ?? error;
    } finally {
      clients.sqs.destroy();
      clients.sns.destroy();
    }
  };
}

/** Socket errors that mean nothing listens at the endpoint (or it cannot be reached at all). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN']);

/**
 * The error to print when `error` says the endpoint cannot be reached: what was tried, and (for the
 * local default) how to start a broker there. Undefined for any other error.
 */
export function unreachable(error: unknown, endpoint: string): Error | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !UNREACHABLE.has(code)) return undefined;
  const cause = (error as Error).message || code;
  const where = endpoint === 'aws' ? 'Amazon SQS/SNS' : endpoint;
  const hint =
    endpoint !== 'aws' && isLocal(endpoint)
      ? `start the broker with \`mega serve${portOf(endpoint)}\` (or \`npm start\` for the demo), or point --endpoint / MEGA_ENDPOINT at a running one`
      : 'check --endpoint / MEGA_ENDPOINT and the network';
  return new Error(`no broker answers at ${where} (${cause}): ${hint}`);
}

/** ` --port N` when `endpoint` is not on `mega serve`'s default port. */
function portOf(endpoint: string): string {
  const port = new URL(endpoint).port;
  return port === '' || port === new URL(DEFAULT_ENDPOINT).port ? '' : ` --port ${port}`;
}

/** ANSI colours when stdout is a terminal and `NO_COLOR` is not set; plain text otherwise. */
export function colours(json = false) {
  const on = !json && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const paint = (code: number) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    on,
    bold: paint(1),
    dim: paint(2),
    red: paint(31),
    green: paint(32),
    yellow: paint(33),
    cyan: paint(36),
  };
}

/** Prints a value as JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Prints named rows sorted by name: as JSON with `--json`; otherwise as a table with a bold header
 * (`cells` gives a row's columns under `header`), or the line `empty` when there are none.
 */
export function printRows<R extends { name: string }>(
  rows: R[],
  json: boolean | undefined,
  view: { empty: string; header: string[]; cells: (row: R) => string[] },
): void {
  rows.sort((a, b) => a.name.localeCompare(b.name));
  if (json) {
    printJson(rows);
    return;
  }
  if (rows.length === 0) {
    console.log(view.empty);
    return;
  }
  const all = [view.header, ...rows.map(view.cells)];
  const widths = view.header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const [head, ...body] = all.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
  console.log([colours().bold(head ?? ''), ...body].join('\n'));
}

/** A queue given by name or URL, as a URL. */
export async function queueUrl(sqs: SQSClient, queue: string): Promise<string> {
  if (/^https?:\/\//.test(queue)) return queue;
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  if (!QueueUrl) throw new Error(`no URL for queue ${queue}`);
  return QueueUrl;
}

/** A queue's ARN. */
export async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes.QueueArn) throw new Error(`no ARN for queue ${url}`);
  return Attributes.QueueArn;
}

/** A topic given by name or ARN, as an ARN (`NotFound` when no topic has that name). */
export async function topicArn(sns: SNSClient, topic: string): Promise<string> {
  if (topic.startsWith('arn:')) return topic;
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken }));
    const found = page.Topics?.find((t) => t.TopicArn?.endsWith(`:${topic}`))?.TopicArn;
    if (found) return found;
    NextToken = page.NextToken;
  } while (NextToken);
  throw new Error(`NotFound: Topic does not exist: ${topic}`);
}

/** A message body from the argument, or `--file` (`-` for standard input). */
export function readBody(body: string | undefined, file: string | undefined): string {
  if (body !== undefined && file !== undefined) throw new UsageError('give a body or --file, not both');
  if (file !== undefined) {
    try {
      return readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (error) {
      throw new UsageError(`--file ${file}: ${(error as Error).message}`);
    }
  }
  if (body === undefined) throw new UsageError('a body (argument) or --file is required');
  return body;
}

export interface AttributeArg {
  name: string;
  type: string;
  value: string;
}

/** `--attribute name=value` (a String) or `name:Type=value` (`Number`, `Binary` as base64, `String.Array`…); repeatable. */
export function attributeOption(value: string, previous: AttributeArg[] = []): AttributeArg[] {
  const match = /^([^=:]+)(?::([A-Za-z][A-Za-z0-9.]*))?=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError('must be name=value or name:Type=value');
  return [...previous, { name: match[1] as string, type: match[2] ?? 'String', value: match[3] as string }];
}

/** A non-negative integer option. */
export function integerOption(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/**
 * An integer option within `min..max` (inclusive), e.g. the range SQS accepts for it: a value out of
 * range is a usage error (exit 2) before any request is made.
 */
export function rangeOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}
