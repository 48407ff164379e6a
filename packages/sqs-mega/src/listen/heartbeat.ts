import type { Clock, Timer } from '../clock.js';

/**
 * Keeps a message invisible while its handlers run: every `intervalMs`, calls `extend` (which sets
 * the visibility timeout again from now). Failures are reported, never thrown.
 */
export function startHeartbeat(
  clock: Clock,
  intervalMs: number,
  extend: () => Promise<void>,
  onError: (error: unknown) => void,
): { stop(): void } {
  let timer: Timer | undefined;
  let stopped = false;
  const beat = () => {
    if (stopped) return;
    extend().catch(onError);
    timer = clock.setTimeout(beat, intervalMs);
  };
  timer = clock.setTimeout(beat, intervalMs);
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
