/**
 * Runs `task` every `everyMs`, never two at once (a slow run makes the next tick skip), and
 * reports failures instead of throwing. `stop()` waits for the run in progress.
 */
export function singleFlightInterval(task: () => Promise<unknown>, everyMs: number, onError: (err: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .then(() => undefined, onError)
      .finally(() => (running = undefined));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
