import type { SnsState } from '../sns/state.js';
import type { Subscription } from '../sns/types.js';
import { sqsActions } from '../sqs/actions/index.js';
import { listenerSourceOf } from '../sqs/listener-dead-letters.js';
import { retentionCutoff } from '../sqs/retention.js';
import type { SqsState } from '../sqs/state.js';
import type { Queue, RequestContext } from '../sqs/types.js';
import type { PeekStore } from '../store/index.js';
import type { DashboardState, MoveTaskView, QueueView, SubscriptionView, TopicView } from './api.js';

/** Whether the broker implements redrives (StartMessageMoveTask and ListMessageMoveTasks). */
export function redriveSupported(): boolean {
  return (
    Object.hasOwn(sqsActions, 'StartMessageMoveTask') && Object.hasOwn(sqsActions, 'ListMessageMoveTasks')
  );
}

/** Every queue of every region with its counts and dead-letter relations, sorted by region and name. */
export async function queueViews(sqs: SqsState, origin: string, peek: PeekStore): Promise<QueueView[]> {
  const now = sqs.clock.now();
  const queues = sqs.queues
    .all()
    .sort((a, b) => (a.region === b.region ? cmp(a.name, b.name) : cmp(a.region, b.region)));
  const byArn = new Map(queues.map((q) => [q.arn, q]));
  const sources = new Map<string, string[]>();
  for (const q of queues) {
    const target = q.settings.redrivePolicy?.deadLetterTargetArn;
    if (target) sources.set(target, [...(sources.get(target) ?? []), q.name]);
  }
  const views: QueueView[] = [];
  for (const q of queues) {
    const counts = sqs.store.messages.counts(q.id, now, retentionCutoff(q, now));
    const policy = q.settings.redrivePolicy;
    const configured = sources.get(q.arn) ?? [];
    // a queue a listener dead-letters into: its oldest message names its source (one indexed row read)
    const oldest =
      counts.visible + counts.inFlight + counts.delayed > 0
        ? peek.messages(q.id, retentionCutoff(q, now), 1)[0]
        : undefined;
    const listenerSource = oldest && listenerSourceOf(sqs, oldest.attributes, q);
    const listenerSources =
      listenerSource && !configured.includes(listenerSource.name) ? [listenerSource.name] : [];
    const deadLetterSources = [...configured, ...listenerSources];
    views.push({
      region: q.region,
      name: q.name,
      url: sqs.queueUrl({ region: q.region, origin }, q),
      arn: q.arn,
      fifo: q.fifo,
      ...counts,
      attributes: { ...q.attributes },
      deadLetterTarget: policy && {
        arn: policy.deadLetterTargetArn,
        name:
          byArn.get(policy.deadLetterTargetArn)?.name ?? policy.deadLetterTargetArn.split(':').pop() ?? '',
        maxReceiveCount: policy.maxReceiveCount,
      },
      deadLetterSources,
      listenerSources,
      // every queue: a listener's dead-letter queue, emptied by its redrive, still shows how that went
      moveTask: await latestMoveTask(sqs, q, origin),
    });
  }
  return views;
}

/** The latest move task out of `queue`, through the ListMessageMoveTasks action. */
async function latestMoveTask(
  sqs: SqsState,
  queue: Queue,
  origin: string,
): Promise<MoveTaskView | undefined> {
  const ctx: RequestContext = { region: queue.region, origin };
  const output = await sqsActions.ListMessageMoveTasks(sqs, ctx, { SourceArn: queue.arn, MaxResults: 1 });
  const task = output.Results?.[0];
  if (!task) return undefined;
  return {
    status: String(task.Status),
    moved: task.ApproximateNumberOfMessagesMoved ?? 0,
    toMove: task.ApproximateNumberOfMessagesToMove ?? 0,
    failureReason: task.FailureReason,
    startedAt: task.StartedTimestamp ?? 0,
  };
}

/** Every topic with its subscriptions, their filter policies and pending HTTP/S deliveries. */
export function topicViews(sns: SnsState, peek: PeekStore): TopicView[] {
  const deliveries = new Map(peek.deliveries().map((d) => [d.subscription_arn, d]));
  return sns
    .allTopics()
    .sort((a, b) => (a.region === b.region ? cmp(a.name, b.name) : cmp(a.region, b.region)))
    .map((topic) => ({
      arn: topic.arn,
      region: topic.region,
      name: topic.name,
      fifo: topic.fifo,
      attributes: { ...topic.attributes },
      subscriptions: sns
        .subscriptionsOf(topic.arn)
        .sort((a, b) => cmp(a.endpoint, b.endpoint))
        .map((s) => subscriptionView(s, deliveries.get(s.arn))),
    }));
}

function subscriptionView(
  s: Subscription,
  pending: ReturnType<PeekStore['deliveries']>[number] | undefined,
): SubscriptionView {
  const a = s.attributes;
  let deadLetterTargetArn: string | undefined;
  try {
    deadLetterTargetArn = a.RedrivePolicy
      ? (JSON.parse(a.RedrivePolicy).deadLetterTargetArn as string)
      : undefined;
  } catch {
    deadLetterTargetArn = undefined;
  }
  return {
    arn: s.arn,
    protocol: s.protocol,
    endpoint: s.endpoint,
    confirmed: s.confirmed,
    filterPolicy: a.FilterPolicy || undefined,
    filterPolicyScope: a.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes',
    raw: a.RawMessageDelivery === 'true',
    deadLetterTargetArn,
    delivery: pending && {
      pending: pending.pending,
      maxAttempts: pending.max_attempts,
      nextDueAt: pending.next_due_at,
      oldestAt: pending.oldest_at,
    },
  };
}

/** The whole state the page shows. */
export async function dashboardState(
  sqs: SqsState,
  sns: SnsState,
  peek: PeekStore,
  origin: string,
  throughput: DashboardState['throughput'],
): Promise<DashboardState> {
  return {
    now: sqs.clock.now(),
    redrive: redriveSupported(),
    queues: await queueViews(sqs, origin, peek),
    topics: topicViews(sns, peek),
    throughput,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
