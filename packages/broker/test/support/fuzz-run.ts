// Drives the fuzz requests of fuzz-requests.ts at a broker, many at once, and tallies the answers.
import { Agent } from 'node:http';
import fc from 'fast-check';
import { answerCode, badAnswer, type FuzzRequest, fuzzRequest, type Targets } from './fuzz-requests.js';
import { jsonRequest, rawRequest } from './raw-http.js';

export interface FuzzReport {
  requests: number;
  /** Answers by `status code`, e.g. `400 InvalidParameterValue`, `200`. */
  byCode: Map<string, number>;
  /** Unacceptable answers (5xx, malformed errors, hangs, dropped connections), the first 20. */
  failures: Array<{ label: string; reason: string; body: string }>;
  failureCount: number;
  durationMs: number;
  /** The slowest answers: label and milliseconds. */
  slowest: Array<{ label: string; ms: number }>;
}

async function json(url: string, action: string, input: object): Promise<Record<string, unknown>> {
  const res = await rawRequest(url, jsonRequest(action, JSON.stringify(input)));
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Record<string, unknown>;
}

/** Creates what the fuzzer aims at: two standard queues, a FIFO queue, a topic fanning out to one, receipt handles. */
export async function createTargets(url: string): Promise<Targets> {
  const queueNames = ['fuzz-a', 'fuzz-b', 'fuzz-c.fifo'];
  const queueUrls: string[] = [];
  for (const QueueName of queueNames) {
    const attrs = QueueName.endsWith('.fifo') ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
    queueUrls.push((await json(url, 'CreateQueue', { QueueName, Attributes: attrs })).QueueUrl as string);
  }
  const topic = await rawRequest(url, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=CreateTopic&Version=2010-03-31&Name=fuzz-topic',
  });
  const topicArn =
    /<TopicArn>([^<]+)<\/TopicArn>/.exec(topic.body)?.[1] ?? 'arn:aws:sns:us-east-1:000000000000:fuzz-topic';
  await rawRequest(url, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      Action: 'Subscribe',
      Version: '2010-03-31',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:us-east-1:000000000000:fuzz-b',
    }).toString(),
  });
  const receiptHandles: string[] = [];
  const QueueUrl = queueUrls[0] as string;
  for (let i = 0; i < 5; i++) await json(url, 'SendMessage', { QueueUrl, MessageBody: `m${i}` });
  const received = await json(url, 'ReceiveMessage', {
    QueueUrl,
    MaxNumberOfMessages: 5,
    VisibilityTimeout: 0,
  });
  for (const m of (received.Messages as Array<{ ReceiptHandle: string }>) ?? [])
    receiptHandles.push(m.ReceiptHandle);
  return { queueUrls, queueNames, topicArns: [topicArn, `${topicArn}x`], receiptHandles };
}

/**
 * Sends `count` random hostile requests (seeded: the same seed sends the same requests), `concurrency`
 * at a time, each with `timeoutMs` to be answered; `progress` is called every 10,000 requests.
 */
export async function runFuzz(
  url: string,
  targets: Targets,
  options: {
    count: number;
    seed: number;
    concurrency?: number;
    timeoutMs?: number;
    progress?: (done: number) => void;
    /**
     * How many distinct requests fast-check generates (default `count`); beyond, each request is one of
     * them mutated (truncated, bytes flipped), which is ~100 times cheaper — for runs of millions.
     */
    generated?: number;
  },
): Promise<FuzzReport> {
  const report: FuzzReport = {
    requests: 0,
    byCode: new Map(),
    failures: [],
    failureCount: 0,
    durationMs: 0,
    slowest: [],
  };
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency ?? 16 });
  const arbitrary = fuzzRequest(targets);
  const start = Date.now();
  const batch = 200;
  const pool: FuzzRequest[] = [];
  let state = options.seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const fail = (req: FuzzRequest, reason: string, body = '') => {
    report.failureCount++;
    if (report.failures.length < 20)
      report.failures.push({
        label: req.label,
        reason: body ? `${reason}; answered: ${body.slice(0, 200)}` : reason,
        body: String(req.body ?? req.path ?? '').slice(0, 400),
      });
  };
  try {
    for (let done = 0; done < options.count; done += batch) {
      const n = Math.min(batch, options.count - done);
      const generated = options.generated ?? options.count;
      const requests =
        done < generated
          ? fc.sample(arbitrary, { numRuns: n, seed: options.seed + done })
          : Array.from({ length: n }, (_, i) =>
              mutate(pool[(done + i) % pool.length] as FuzzRequest, random),
            );
      if (done < generated && generated < options.count) pool.push(...requests);
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const req = requests[next++] as FuzzRequest;
          report.requests++;
          const began = Date.now();
          try {
            const res = await rawRequest(url, req, options.timeoutMs ?? 10_000, agent);
            const ms = Date.now() - began;
            if (report.slowest.length < 5 || ms > (report.slowest[4]?.ms ?? 0)) {
              report.slowest.push({ label: req.label, ms });
              report.slowest.sort((a, b) => b.ms - a.ms);
              report.slowest.length = Math.min(report.slowest.length, 5);
            }
            const code = answerCode(res);
            report.byCode.set(code, (report.byCode.get(code) ?? 0) + 1);
            const bad = badAnswer(req, res);
            if (bad) fail(req, bad);
          } catch (error) {
            fail(req, `no answer: ${(error as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
      if (Math.floor((done + batch) / 10_000) > Math.floor(done / 10_000)) options.progress?.(done + batch);
    }
  } finally {
    agent.destroy();
  }
  report.durationMs = Date.now() - start;
  return report;
}

/** A generated request, altered: cut short, a few bytes flipped, or as it was. */
function mutate(req: FuzzRequest, random: () => number): FuzzRequest {
  if (req.body === undefined || req.body.length === 0) return req;
  const body = Buffer.from(req.body);
  const how = random();
  if (how < 0.3) return { ...req, body: body.subarray(0, Math.floor(body.length * random())) };
  if (how < 0.6) {
    for (let i = 0; i < 3; i++) body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
    return { ...req, body };
  }
  return req;
}
