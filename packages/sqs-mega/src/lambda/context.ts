import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';

/** The context object Lambda passes to a Node.js handler (the fields of `@types/aws-lambda`'s `Context`). */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** A string, as Lambda gives it. */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  /** Milliseconds left before the function timeout. */
  getRemainingTimeInMillis(): number;
  /** Legacy completion callbacks (deprecated by Lambda; they resolve the invocation). */
  done(error?: Error, result?: unknown): void;
  fail(error: Error | string): void;
  succeed(result: unknown): void;
}

/** What {@link createContext} needs. */
export interface ContextInput {
  functionName: string;
  region: string;
  accountId: string;
  memoryLimitInMB: number;
  /** Epoch ms when the invocation times out. */
  deadline: number;
  clock: Clock;
  /** Called by the legacy `done`/`fail`/`succeed`. */
  complete(error: unknown, result?: unknown): void;
}

/** A fresh context for one invocation: a new request id, the deadline of the function timeout. */
export function createContext(input: ContextInput): LambdaContext {
  const { functionName, region, accountId, clock, deadline, complete } = input;
  const day = new Date(clock.now()).toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(input.memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()),
    done: (error, result) => complete(error ?? undefined, result),
    fail: (error) => complete(typeof error === 'string' ? new Error(error) : error),
    succeed: (result) => complete(undefined, result),
  };
}
