import type { SqsState } from './state.js';

/**
 * Deletes every queue of every region, with their messages, at once (a test suite's reset between
 * tests): receives waiting on them return empty, the names are free again at once (no 60-second
 * `QueueDeletedRecently` hold), and the sweeper reclaims the messages' storage in the background.
 * Returns how many queues were deleted.
 */
export async function resetQueues(state: SqsState): Promise<number> {
  const queues = state.queues.all();
  await state.store.write(() => {
    for (const queue of queues) state.queues.delete(queue);
  });
  state.recentlyDeleted.clear();
  for (const queue of queues) state.polls.notify(queue.id);
  state.sweeper.due(state.clock.now());
  return queues.length;
}
