/**
 * Counts the bytes handed to the Kafka producer and not yet acknowledged, across every
 * request of the process, so that a slow or stalled broker turns into 429s instead of an
 * ever-growing heap. Pure: no timers, no I/O.
 */
export class InflightBytesAccountant {
  private inflight = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly limit: number) {}

  get bytes(): number {
    return this.inflight;
  }

  get saturated(): boolean {
    return this.inflight >= this.limit;
  }

  /**
   * Admits `bytes` when they fit under the bound. A request larger than the bound alone is
   * admitted when nothing else is in flight, so it can never be starved forever.
   */
  tryAcquire(bytes: number): boolean {
    if (this.inflight > 0 && this.inflight + bytes > this.limit) return false;
    this.inflight += bytes;
    return true;
  }

  /** Waits for room instead of refusing (the streamed bulk path pauses its reader meanwhile). */
  async acquire(bytes: number): Promise<void> {
    while (!this.tryAcquire(bytes)) {
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  release(bytes: number): void {
    this.inflight = Math.max(0, this.inflight - bytes);
    const woken = [...this.waiters];
    this.waiters.clear();
    woken.forEach((wake) => wake());
  }
}
