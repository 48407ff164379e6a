// Summarises a .cpuprofile (from bench/consume/probe.ts PROFILE=dir or `node --cpu-prof`): the self
// time by part (idle, GC, the AWS SDK, sqs-mega's listen/publish/codec, the broker, node internals)
// and the top functions. Run: node --import tsx bench/consume/profile-summary.ts <file> [top=25]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const PARTS: [string, RegExp][] = [
  ['sqs-mega listen/', /sqs-mega\/src\/listen\//],
  ['sqs-mega publish/', /sqs-mega\/src\/publish\//],
  ['sqs-mega codec/ and rest', /sqs-mega\/src\//],
  ['broker http/', /broker\/src\/(http|server)/],
  ['broker sqs/', /broker\/src\/sqs\//],
  ['broker auth/ (SigV4)', /broker\/src\/(auth|sigv4)/],
  ['broker other', /broker\/src\//],
  ['@aws-sdk/client-sqs', /@aws-sdk\/client-sqs/],
  ['@aws-sdk/middleware-sdk-sqs (MD5)', /middleware-sdk-sqs/],
  ['SigV4 signing', /signature-v4|sha256|hash-node|crypto/],
  ['@smithy serde/protocols', /@smithy\/(core|smithy-client|util-body|middleware-serde|protocol)/],
  ['@smithy/node-http-handler', /node-http-handler/],
  ['@aws-sdk / @smithy other', /@aws-sdk|@smithy/],
  ['bullmq / ioredis', /bullmq|ioredis/],
  ['sqs-consumer', /sqs-consumer/],
  ['bench/', /\/bench\//],
  ['tsx', /\/tsx\//],
  ['node internals', /^node:|^internal\/|^$/],
];

const file = process.argv[2] ?? '';
const top = Number(process.argv[3] ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const parts = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
  const special = ['(idle)', '(garbage collector)', '(program)'].includes(functionName);
  const part = special ? functionName : (PARTS.find(([, re]) => re.test(url))?.[0] ?? 'other');
  parts.set(part, (parts.get(part) ?? 0) + us);
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
for (const [part, us] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)}  ${part}`);
console.log('top functions (self):');
for (const [fn, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${fn}`);
