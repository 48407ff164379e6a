import type { Broker, BrokerOptions } from './broker-options.js';
import { systemClock } from './clock.js';
import { composeCore } from './compose.js';
import { dashboardRoute } from './dashboard/routes.js';
import { sqsErrors } from './errors.js';
import { startHttpFront } from './http/front.js';
import { createLogger } from './logger.js';
import { BrokerMetrics } from './metrics.js';
import { lazySigningIdentity } from './sns/certificate.js';
import { DEFAULT_ALLOW_HOSTS, HostAllowList } from './sns/delivery/allow-hosts.js';
import { resetTopics } from './sns/reset.js';
import type { SnsState } from './sns/state.js';
import { resetQueues } from './sqs/reset.js';
import type { SqsState } from './sqs/state.js';
import { isStorageFailure, storageFailureAdvice } from './store/database.js';
import { openStore } from './store/index.js';
import { SCHEMA_VERSION } from './store/schema.js';
import { BodyBudget } from './wire/body-budget.js';
import { BrowserGuard } from './wire/browser-guard.js';
import { route, type Services } from './wire/router.js';
import type { CredentialStore } from './wire/sigv4.js';

export type { Broker, BrokerOptions } from './broker-options.js';
export { DRAIN_BYTES, DRAIN_MS } from './http/front-options.js';

/**
 * Starts a broker: opens (or creates, or migrates) the store and listens for SQS and SNS requests. The
 * port speaks HTTP and, for clients that verify SNS signatures (SigningCertURL is `https:`), HTTPS with
 * the broker's own certificate, kept in the data directory.
 */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger();
  const accountId = options.accountId ?? '000000000000';
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const credentials = credentialStore(options.credentials);
  const bindHost = options.host ?? '127.0.0.1';
  if (!isLoopback(bindHost) && !credentials && !options.insecure) {
    throw new Error(
      `Refusing to listen on ${bindHost} without credentials: anyone who can reach it could read and delete your messages. ` +
        'Give --credentials KEY:SECRET (clients then sign their requests), or --insecure if the network is trusted.',
    );
  }
  let sqs: SqsState | undefined;
  let sns: SnsState | undefined;
  const store = openStore(options, (cause) => {
    logger.error({ err: cause }, 'storage failure; the writes it affects were not stored');
    sqs?.queues.reload();
    sns?.reload();
    return sqsErrors.serviceUnavailable(
      isStorageFailure(cause)
        ? storageFailureAdvice(cause)
        : 'The broker could not store the request (see the broker log); nothing was changed. Retry later.',
    );
  });
  const metrics = new BrokerMetrics(() => sqs);
  store.onCommitTime((seconds) => metrics.commitTime(seconds));
  const identity = lazySigningIdentity(options.inMemory ? undefined : (options.dataDir ?? '.mega'), () =>
    clock.now(),
  );
  const core = composeCore(store, clock, {
    accountId,
    sns: {
      allowHosts: new HostAllowList(options.snsAllowHosts ?? DEFAULT_ALLOW_HOSTS),
      identity,
      logger,
      observer: metrics.sns,
    },
  });
  sqs = core.sqs;
  sns = core.sns;
  const sqsState = sqs;
  const snsReset = sns;
  const reset = async () => {
    await resetTopics(snsReset);
    await resetQueues(sqsState);
  };
  const services: Services = {
    sqs,
    sns,
    reset: options.allowReset ? reset : undefined,
    defaultRegion: options.region ?? 'us-east-1',
    logger,
    guard: new BrowserGuard({ allowedHosts: options.allowHosts, bindHost }),
    credentials,
    metrics,
    // the dashboard is attached here, by the composition: the wire layer knows nothing above it
    routes: [dashboardRoute],
    health: () => ({
      status: 'ok',
      store: store.engine,
      dataDir: options.inMemory ? null : (options.dataDir ?? '.mega'),
      schemaVersion: SCHEMA_VERSION,
      queues: sqs?.queues.all().length ?? 0,
      // deleted queues whose messages the sweeper is still reclaiming, a chunk at a time
      reclaimingDeletedQueues: sqs?.store.queues.deadQueues().length ?? 0,
    }),
  };
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const front = await startHttpFront({
    route: (request) => route(request, services),
    maxBody,
    budget: new BodyBudget(options.maxBufferedBytes ?? 32 * 1024 * 1024),
    logger,
    logRequests: options.logRequests ?? false,
    requestTimeout,
    headersTimeout: Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout),
    keepAliveTimeout: 60_000,
    host: bindHost,
    port: options.port ?? 9324,
    maxConnections: options.maxConnections ?? 1000,
    tlsIdentity: identity,
  });
  const address = front.address;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const state = sqs;
  const snsState = sns;
  core.start();
  return {
    url: `http://${host}:${address.port}`,
    host: address.address,
    port: address.port,
    sqs: state,
    sns: snsState,
    clock,
    reset,
    stop: async () => {
      core.stop();
      await front.close();
      await store.close();
    },
  };
}

function credentialStore(given: BrokerOptions['credentials']): CredentialStore | undefined {
  if (!given) return undefined;
  const store = new Map(given instanceof Map ? given : Object.entries(given));
  return store.size > 0 ? store : undefined;
}

/** Whether binding to `host` only exposes the broker to this machine. */
function isLoopback(host: string): boolean {
  return /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i.test(host);
}
