/**
 * A hard deadline on graceful shutdown (SHUTDOWN_TIMEOUT_MS): once a stop signal arrives,
 * the process exits with code 1 after `timeoutMs` if the graceful path (finish in-flight work,
 * commit offsets, close connections) has not ended it by then. What was not committed is
 * replayed by the next consumer, so a hung close costs a replay, never a record. The timer
 * does not keep the process alive.
 */
export function armShutdownDeadline(
  timeoutMs: number,
  onExpired: (signal: string) => void = (signal) => {
    process.stderr.write(`${JSON.stringify({ level: 'error', msg: `graceful shutdown after ${signal} did not finish within SHUTDOWN_TIMEOUT_MS (${timeoutMs} ms); exiting` })}\n`);
    process.exit(1);
  },
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
  target: NodeJS.EventEmitter = process,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  // `once`: Nest re-raises the signal after closing, and that one must reach the default handler.
  const arm = (signal: NodeJS.Signals) => {
    timer ??= setTimeout(() => onExpired(signal), timeoutMs).unref();
  };
  for (const signal of signals) target.once(signal, arm);
  return () => {
    clearTimeout(timer);
    for (const signal of signals) target.off(signal, arm);
  };
}
