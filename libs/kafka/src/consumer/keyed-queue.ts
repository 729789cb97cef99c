/**
 * Runs work for one key strictly one after another, in the order it was queued, while work
 * for different keys runs concurrently. Per-customer order rides on this: every customer-
 * scoped topic is keyed by customer id.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with work queued or running. */
  get size(): number {
    return this.tails.size;
  }

  run(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key);
    // A failed predecessor must not skip its successors: both settle paths run the next one.
    const current = previous ? previous.then(work, work) : work();
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return current;
  }
}
