import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { MegaError } from '../errors.js';
import { createMegaEvent } from '../event/builder.js';
import { readMegaEvent } from '../event/reader.js';
import type { MegaEvent, MegaEventInput } from '../event/types.js';
import type { PublishOptions } from '../publish/message.js';
import type { Publisher, PublisherOptions, PublishResult } from '../publish/publisher.js';
import { SnsPublisher } from '../publish/sns-publisher.js';
import { SqsPublisher } from '../publish/sqs-publisher.js';
import { checkRoute, type RouteDeclaration, RouteError, RouteTable, type RouteTarget } from './table.js';

/**
 * Where the producer's named queues and topics are: queue URLs and topic ARNs by name. The result
 * of `applyTopology` has this shape (`queues.<name>.url`, `topics.<name>` as an ARN or `{ arn }`).
 */
export interface ProducerDestinations {
  queues?: Record<string, string | { url?: string | undefined }>;
  topics?: Record<string, string | undefined | { arn?: string | undefined }>;
}

/** Options of a {@link Producer}. */
export interface ProducerOptions {
  /** The SQS client, needed when a route names a queue. */
  sqs?: SQSClient;
  /** The SNS client, needed when a route names a topic. */
  sns?: SNSClient;
  /** Routes, e.g. a topology's `routes`: checked here, at construction. */
  routes: readonly RouteDeclaration[];
  /** URLs and ARNs of the queues and topics the routes name (e.g. what `applyTopology` returned). */
  destinations: ProducerDestinations;
  /** Publisher options for every target (batching, attempts, FIFO id sources, …). */
  publisher?: PublisherOptions;
  /** Publisher options per target name, over `publisher` (e.g. `{ 'orders.fifo': { groupId: 'subject' } }`). */
  targets?: Record<string, PublisherOptions>;
}

/** What a routed publish resolves with: the message id, and where it went. */
export interface RoutedResult extends PublishResult {
  target: { kind: 'queue' | 'topic'; name: string };
}

/** No route takes an event name. */
export class NoRouteError extends MegaError {
  override name = 'NoRouteError';
  constructor(readonly eventName: string) {
    super(
      `no route for event ${JSON.stringify(eventName)}: add one to the topology's routes (or a '*' route)`,
    );
  }
}

interface Target {
  kind: 'queue' | 'topic';
  name: string;
  publisher: Publisher;
}

/**
 * The central producer (seed 001's one producer API): publishes each MEGA event to the queue or topic
 * its name is routed to, so publishing code names events, not URLs. Every target gets its own
 * batching publisher, made at construction; a route to a name missing from `destinations`, or to a
 * topic without an SNS client, is refused there, not at the first publish.
 *
 * @example
 * ```ts fragment
 * const applied = await applyTopology(topology, { sqs, sns });
 * const producer = new Producer({ sqs, sns, routes: topology.routes ?? [], destinations: applied });
 * await producer.publishEvent({ name: 'order.placed', subject: 'o-1' }); // to the route of order.*
 * ```
 */
export class Producer {
  private readonly table = new RouteTable<Target>();
  private readonly targets: Target[] = [];

  constructor(options: ProducerOptions) {
    const made = new Map<string, Target>();
    options.routes.forEach((raw, i) => {
      const where = `routes[${i}]`;
      const route = checkRoute(raw, where);
      const key = route.queue === undefined ? `topic:${route.topic}` : `queue:${route.queue}`;
      let target = made.get(key);
      if (!target) {
        target = makeTarget(route, options, where);
        made.set(key, target);
        this.targets.push(target);
      }
      this.table.add(route.events, target, where);
    });
  }

  /** Where an event of this name would go, or undefined when no route takes it. */
  routeOf(eventName: string): RouteTarget | undefined {
    const target = this.table.lookup(eventName);
    if (!target) return undefined;
    return target.kind === 'queue' ? { queue: target.name } : { topic: target.name };
  }

  /**
   * Builds a MEGA event (`createMegaEvent`) and publishes it to its route.
   * @throws NoRouteError (as a rejection) when no route takes the event's name.
   */
  publishEvent(input: MegaEventInput, options?: PublishOptions): Promise<RoutedResult> {
    let target: Target;
    let event: unknown;
    try {
      event = createMegaEvent(input);
      target = this.targetFor(input.name);
    } catch (error) {
      return Promise.reject(error);
    }
    return target.publisher.publish(event, options).then((result) => withTarget(result, target));
  }

  /**
   * Publishes an event already built (e.g. with `createMegaEvent`, or read from elsewhere) to the
   * route of its `event.name`.
   * @throws NoRouteError (as a rejection) when no route takes it; a `MegaError` when it is no MEGA event.
   */
  publish(event: MegaEvent, options?: PublishOptions): Promise<RoutedResult> {
    let target: Target;
    try {
      target = this.targetFor(readMegaEvent(event).event.name);
    } catch (error) {
      return Promise.reject(error);
    }
    return target.publisher.publish(event, options).then((result) => withTarget(result, target));
  }

  /** Sends whatever each target's publisher holds for a batch, and waits for every call under way. */
  async flush(): Promise<void> {
    await Promise.all(this.targets.map((t) => t.publisher.flush()));
  }

  private targetFor(eventName: string): Target {
    const target = this.table.lookup(eventName);
    if (!target) throw new NoRouteError(eventName);
    return target;
  }
}

function withTarget(result: PublishResult, target: Target): RoutedResult {
  return { ...result, target: { kind: target.kind, name: target.name } };
}

function makeTarget(route: RouteDeclaration, options: ProducerOptions, where: string): Target {
  const name = (route.queue ?? route.topic) as string;
  const publisherOptions = { ...options.publisher, ...options.targets?.[name] };
  if (route.queue !== undefined) {
    const entry = options.destinations.queues?.[name];
    const url = typeof entry === 'string' ? entry : entry?.url;
    if (!url)
      throw new RouteError(`${where}.queue`, `names queue ${name}, which has no URL in destinations.queues`);
    if (!options.sqs) throw new RouteError(`${where}.queue`, 'needs the sqs client (options.sqs)');
    return {
      kind: 'queue',
      name,
      publisher: new SqsPublisher({ ...publisherOptions, client: options.sqs, queueUrl: url }),
    };
  }
  const entry = options.destinations.topics?.[name];
  const arn = typeof entry === 'string' ? entry : entry?.arn;
  if (!arn)
    throw new RouteError(`${where}.topic`, `names topic ${name}, which has no ARN in destinations.topics`);
  if (!options.sns) throw new RouteError(`${where}.topic`, 'needs the sns client (options.sns)');
  return {
    kind: 'topic',
    name,
    publisher: new SnsPublisher({ ...publisherOptions, client: options.sns, topicArn: arn }),
  };
}
