// The broker for the consume benchmark, in its own process so that it does not share the
// consumers' event loop. Prints its client config as one JSON line, then serves until killed.
import { startTestBroker } from 'sqs-mega-broker/testing';

const broker = await startTestBroker();
process.stdout.write(`${JSON.stringify(broker.clientConfig)}\n`);
// Exit normally on SIGINT so that `node --cpu-prof` writes the broker's profile.
process.once('SIGINT', () => process.exit(0));
