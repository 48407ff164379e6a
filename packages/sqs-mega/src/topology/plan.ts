import {
  CreateTopicCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { arnName, sameAttribute, siblingArn } from './compare.js';
import { mergePolicy, snsStatement } from './policy.js';
import { findSubscription, listTopics, type QueueState, readQueue, topicAttributes } from './read.js';
import type { AttributeChange, PlanOptions, PlanStep, Topology, TopologyClients } from './types.js';
import {
  type NormalQueue,
  type NormalSubscription,
  type NormalTopology,
  validateTopology,
} from './validate.js';

/** What planning learnt, and what applying fills in as resources are created. */
export interface PlanContext {
  clients: TopologyClients;
  queues: Map<string, QueueState>;
  topics: Map<string, string | undefined>;
}

/** A step with the work that applies it. */
export interface RunnableStep {
  step: PlanStep;
  run?: (ctx: PlanContext) => Promise<void>;
}

export interface Plan {
  topology: NormalTopology;
  ctx: PlanContext;
  steps: RunnableStep[];
}

function step(
  action: PlanStep['action'],
  kind: PlanStep['kind'],
  resource: string,
  changes: AttributeChange[],
  details: string[] = [],
): PlanStep {
  const lines = changes.map((c) =>
    c.from === undefined ? `${c.name} = ${c.to}` : `${c.name}: ${c.from} → ${c.to}`,
  );
  return { action, kind, resource, changes, details: [...details, ...lines] };
}

function redriveText(q: NormalQueue, dlqArn: string | undefined): string {
  if (!q.deadLetter) return '';
  return JSON.stringify({
    deadLetterTargetArn: dlqArn ?? `<arn of ${q.deadLetter.queue}>`,
    maxReceiveCount: q.deadLetter.maxReceiveCount,
  });
}

function sameRedrive(current: string | undefined, q: NormalQueue, dlqArn: string | undefined): boolean {
  if (!current || !q.deadLetter) return false;
  try {
    const p = JSON.parse(current) as { deadLetterTargetArn?: string; maxReceiveCount?: unknown };
    if (
      typeof p.deadLetterTargetArn !== 'string' ||
      Number(p.maxReceiveCount) !== q.deadLetter.maxReceiveCount
    )
      return false;
    return dlqArn ? p.deadLetterTargetArn === dlqArn : arnName(p.deadLetterTargetArn) === q.deadLetter.queue;
  } catch {
    return false;
  }
}

/** Why the dead-letter queue of `q` would refuse it as a source (its RedriveAllowPolicy), if it would. */
function redriveAllowConflict(
  topology: NormalTopology,
  ctx: PlanContext,
  q: NormalQueue,
): string | undefined {
  if (!q.deadLetter) return undefined;
  const dlqName = q.deadLetter.queue;
  const dlq = ctx.queues.get(dlqName);
  const declared = topology.queues.find((x) => x.name === dlqName)?.attributes.RedriveAllowPolicy;
  const text = declared ?? dlq?.attributes?.RedriveAllowPolicy;
  if (!text) return undefined;
  let policy: { redrivePermission?: string; sourceQueueArns?: string[] };
  try {
    policy = JSON.parse(text);
  } catch {
    return undefined;
  }
  const where = declared ? 'declared' : 'existing';
  if (policy.redrivePermission === 'denyAll') {
    return `the ${where} RedriveAllowPolicy of ${dlqName} denies every source queue (redrivePermission denyAll)`;
  }
  if (policy.redrivePermission === 'byQueue') {
    const source = ctx.queues.get(q.name)?.arn ?? (dlq?.arn ? siblingArn(dlq.arn, q.name) : undefined);
    if (source && !(policy.sourceQueueArns ?? []).includes(source)) {
      return `the ${where} RedriveAllowPolicy of ${dlqName} does not list ${source} in sourceQueueArns`;
    }
  }
  return undefined;
}

async function planQueue(topology: NormalTopology, ctx: PlanContext, q: NormalQueue): Promise<RunnableStep> {
  const current = await readQueue(ctx.clients.sqs, q.name);
  ctx.queues.set(q.name, current ?? {});
  const dlqArn = q.deadLetter ? ctx.queues.get(q.deadLetter.queue)?.arn : undefined;
  const conflicts: string[] = [];
  const allow = redriveAllowConflict(topology, ctx, q);
  if (allow)
    conflicts.push(
      `${allow}; declare attributes.RedriveAllowPolicy on ${q.deadLetter?.queue} to allow ${q.name}`,
    );
  const changes: AttributeChange[] = [];
  const attrs = current?.attributes ?? {};
  if (!current && q.fifo) changes.push({ name: 'FifoQueue', to: 'true' });
  for (const [name, to] of Object.entries(q.attributes)) {
    if (!sameAttribute(attrs[name], to)) changes.push({ name, from: attrs[name], to });
  }
  if (q.deadLetter && !sameRedrive(attrs.RedrivePolicy, q, dlqArn)) {
    changes.push({ name: 'RedrivePolicy', from: attrs.RedrivePolicy, to: redriveText(q, dlqArn) });
  }
  if (current && (attrs.FifoQueue === 'true') !== q.fifo) {
    conflicts.push(
      `the existing queue is ${q.fifo ? 'standard' : 'FIFO'}, declared ${q.fifo ? 'FIFO' : 'standard'}; the type of a queue cannot change`,
    );
  }
  if (conflicts.length > 0) return { step: step('conflict', 'queue', q.name, [], conflicts) };
  const desired = (c: PlanContext) => {
    const out: Record<string, string> = {};
    for (const change of changes) out[change.name] = change.to;
    if (out.RedrivePolicy !== undefined)
      out.RedrivePolicy = redriveText(q, q.deadLetter ? c.queues.get(q.deadLetter.queue)?.arn : undefined);
    return out;
  };
  if (!current) {
    return {
      step: step('create', 'queue', q.name, changes),
      run: async (c) => {
        const Attributes = desired(c);
        const { QueueUrl } = await c.clients.sqs.send(
          new CreateQueueCommand({ QueueName: q.name, Attributes }),
        );
        const read = await c.clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
        );
        c.queues.set(q.name, {
          url: QueueUrl,
          arn: read.Attributes?.QueueArn,
          attributes: read.Attributes ?? {},
        });
      },
    };
  }
  if (changes.length === 0) return { step: step('unchanged', 'queue', q.name, []) };
  return {
    step: step('update', 'queue', q.name, changes),
    run: async (c) => {
      await c.clients.sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: current.url, Attributes: desired(c) }),
      );
    },
  };
}

async function planTopics(topology: NormalTopology, ctx: PlanContext): Promise<RunnableStep[]> {
  const existing = topology.topics.length > 0 ? await listTopics(ctx.clients.sns) : new Map<string, string>();
  const out: RunnableStep[] = [];
  for (const t of topology.topics) {
    const arn = existing.get(t.name);
    ctx.topics.set(t.name, arn);
    if (!arn) {
      const changes: AttributeChange[] = Object.entries(t.attributes).map(([name, to]) => ({ name, to }));
      if (t.fifo) changes.unshift({ name: 'FifoTopic', to: 'true' });
      const Attributes = Object.fromEntries(changes.map((c) => [c.name, c.to]));
      out.push({
        step: step('create', 'topic', t.name, changes),
        run: async (c) => {
          const created = await c.clients.sns.send(new CreateTopicCommand({ Name: t.name, Attributes }));
          c.topics.set(t.name, created.TopicArn);
        },
      });
      continue;
    }
    const attrs = await topicAttributes(ctx.clients.sns, arn);
    if ((attrs.FifoTopic === 'true') !== t.fifo) {
      out.push({
        step: step(
          'conflict',
          'topic',
          t.name,
          [],
          [
            `the existing topic is ${t.fifo ? 'standard' : 'FIFO'}, declared ${t.fifo ? 'FIFO' : 'standard'}; the type of a topic cannot change`,
          ],
        ),
      });
      continue;
    }
    const changes: AttributeChange[] = [];
    for (const [name, to] of Object.entries(t.attributes)) {
      if (!sameAttribute(attrs[name], to)) changes.push({ name, from: attrs[name], to });
    }
    if (changes.length === 0) {
      out.push({ step: step('unchanged', 'topic', t.name, []) });
      continue;
    }
    out.push({
      step: step('update', 'topic', t.name, changes),
      run: async (c) => {
        for (const change of changes) {
          await c.clients.sns.send(
            new SetTopicAttributesCommand({
              TopicArn: arn,
              AttributeName: change.name,
              AttributeValue: change.to,
            }),
          );
        }
      },
    });
  }
  return out;
}

function planQueuePolicies(topology: NormalTopology, ctx: PlanContext): RunnableStep[] {
  const out: RunnableStep[] = [];
  for (const q of topology.queues) {
    if (q.attributes.Policy !== undefined) continue;
    const topics = [...new Set(topology.subscriptions.filter((s) => s.queue === q.name).map((s) => s.topic))];
    if (topics.length === 0) continue;
    const wanted = (c: PlanContext) => {
      const arn = c.queues.get(q.name)?.arn;
      if (!arn || topics.some((t) => !c.topics.get(t))) return undefined;
      return topics.map((t) => snsStatement(t, c.topics.get(t) as string, arn));
    };
    const state = ctx.queues.get(q.name);
    const details = topics.map((t) => `Policy: allow sns.amazonaws.com to sqs:SendMessage from topic ${t}`);
    const statements = wanted(ctx);
    if (statements && mergePolicy(state?.attributes?.Policy, statements) === undefined) {
      out.push({ step: step('unchanged', 'queue-policy', q.name, []) });
      continue;
    }
    out.push({
      step: step(state?.url ? 'update' : 'create', 'queue-policy', q.name, [], details),
      run: async (c) => {
        const s = wanted(c);
        const url = c.queues.get(q.name)?.url;
        if (!s || !url) return;
        const read = await c.clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }),
        );
        const Policy = mergePolicy(read.Attributes?.Policy, s);
        if (Policy)
          await c.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy } }));
      },
    });
  }
  return out;
}

function desiredSubscription(s: NormalSubscription): Record<string, string> {
  const out: Record<string, string> = {};
  if (s.filterPolicy !== undefined) out.FilterPolicy = s.filterPolicy;
  const scope = s.filterPolicyScope ?? (s.filterPolicy !== undefined ? 'MessageAttributes' : undefined);
  if (scope !== undefined) out.FilterPolicyScope = scope;
  if (s.rawMessageDelivery !== undefined) out.RawMessageDelivery = String(s.rawMessageDelivery);
  return out;
}

async function planSubscription(ctx: PlanContext, s: NormalSubscription): Promise<RunnableStep> {
  const resource = `${s.topic} → ${s.queue}`;
  const desired = desiredSubscription(s);
  const topicArn = ctx.topics.get(s.topic);
  const queueArn = ctx.queues.get(s.queue)?.arn;
  const found =
    topicArn && queueArn ? await findSubscription(ctx.clients.sns, topicArn, queueArn) : undefined;
  if (found?.arn === 'PendingConfirmation') {
    return {
      step: step(
        'conflict',
        'subscription',
        resource,
        [],
        ['an existing subscription is pending confirmation'],
      ),
    };
  }
  if (!found) {
    return {
      step: step(
        'create',
        'subscription',
        resource,
        Object.entries(desired).map(([name, to]) => ({ name, to })),
      ),
      run: async (c) => {
        await c.clients.sns.send(
          new SubscribeCommand({
            TopicArn: c.topics.get(s.topic),
            Protocol: 'sqs',
            Endpoint: c.queues.get(s.queue)?.arn,
            Attributes: desired,
            ReturnSubscriptionArn: true,
          }),
        );
      },
    };
  }
  const defaults: Record<string, string> = {
    FilterPolicyScope: 'MessageAttributes',
    RawMessageDelivery: 'false',
  };
  const changes: AttributeChange[] = [];
  for (const [name, to] of Object.entries(desired)) {
    const from = found.attributes[name] ?? defaults[name];
    if (!sameAttribute(from, to)) changes.push({ name, from, to });
  }
  if (changes.length === 0) return { step: step('unchanged', 'subscription', resource, []) };
  // A nested policy needs the MessageBody scope first; a flat one is valid in both scopes.
  const toBody = desired.FilterPolicyScope === 'MessageBody';
  const order = (c: AttributeChange) => (c.name === 'FilterPolicyScope' ? (toBody ? 0 : 2) : 1);
  const ordered = [...changes].sort((a, b) => order(a) - order(b));
  return {
    step: step('update', 'subscription', resource, changes),
    run: async (c) => {
      for (const change of ordered) {
        await c.clients.sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn: found.arn,
            AttributeName: change.name,
            AttributeValue: change.to,
          }),
        );
      }
    },
  };
}

/** Validates `topology`, reads the current state and works out every step (internal: with their work). */
export async function buildPlan(
  clients: TopologyClients,
  topology: Topology,
  options: PlanOptions = {},
): Promise<Plan> {
  const normal = validateTopology(topology);
  const ctx: PlanContext = { clients, queues: new Map(), topics: new Map() };
  const steps: RunnableStep[] = [];
  for (const q of normal.queues) steps.push(await planQueue(normal, ctx, q));
  steps.push(...(await planTopics(normal, ctx)));
  if (options.queuePolicies !== false) steps.push(...planQueuePolicies(normal, ctx));
  for (const s of normal.subscriptions) steps.push(await planSubscription(ctx, s));
  return { topology: normal, ctx, steps };
}

/**
 * The plan of applying `topology`: one step per queue, topic, queue policy and subscription, in the
 * order they would be applied, each `create`, `update`, `unchanged` or `conflict`. Reads only.
 * Throws a {@link TopologyError} when the declaration itself is invalid.
 */
export async function planTopology(
  clients: TopologyClients,
  topology: Topology,
  options: PlanOptions = {},
): Promise<PlanStep[]> {
  return (await buildPlan(clients, topology, options)).steps.map((s) => s.step);
}
