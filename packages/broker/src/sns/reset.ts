import type { SnsState } from './state.js';

/**
 * Deletes every topic and every subscription (with their pending HTTP/S deliveries), in one write.
 * Returns how many topics were deleted.
 */
export async function resetTopics(sns: SnsState): Promise<number> {
  const topics = sns.allTopics();
  await sns.sqs.store.write(() => {
    for (const topic of topics) sns.deleteTopic(topic);
    for (const subscription of sns.allSubscriptions()) sns.deleteSubscription(subscription);
  });
  return topics.length;
}
