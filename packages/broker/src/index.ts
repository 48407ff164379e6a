/**
 * sqs-mega-broker: an embedded, durable, Amazon SQS compatible broker.
 *
 * ```ts
 * import { startBroker } from 'sqs-mega-broker';
 * const broker = await startBroker({ port: 0, inMemory: true });
 * // point any AWS SDK at broker.url
 * await broker.stop();
 * ```
 */
export { type Clock, systemClock, TestClock, type Timer } from './clock.js';
export { AwsError } from './errors.js';
export { type Broker, type BrokerOptions, startBroker } from './server.js';
