/** When a group's batch goes out: at `maxItems`, at `maxBytes` of items, or `maxWaitMs` after its first item. */
export interface BatchLimits {
  readonly maxItems: number;
  readonly maxWaitMs: number;
  readonly maxBytes: number;
}

interface Held<I> {
  readonly item: I;
  readonly done: PromiseWithResolvers<void>;
}

interface OpenBatch<I> {
  readonly held: Held<I>[];
  bytes: number;
  timer?: NodeJS.Timeout;
}

/**
 * Collects items into batches per group (a webhook's requests that may share one request) and
 * hands each batch to `send` when it is full or has waited long enough. `add` settles when the
 * batch holding the item has been sent to a durable outcome, so the caller (a consume-loop
 * handler) completes its record only then: an item held here is never committed past.
 *
 * Held items count against the consume loop's in-flight limit, which pauses fetching when it is
 * reached. So that a paused loop never waits on batches that wait for more items, everything held
 * goes out once `maxHeld` items are held (set below the loop's limit), and everything goes out at
 * once while closing.
 */
export class BatchCollector<I> {
  private readonly open = new Map<string, OpenBatch<I>>();
  private heldCount = 0;
  private closing = false;

  constructor(
    private readonly send: (group: string, items: I[]) => Promise<void>,
    private readonly maxHeld: number,
  ) {}

  /** Items waiting for their batch to go out. */
  get held(): number {
    return this.heldCount;
  }

  add(group: string, item: I, bytes: number, limits: BatchLimits): Promise<void> {
    let batch = this.open.get(group);
    if (!batch) {
      batch = { held: [], bytes: 0 };
      this.open.set(group, batch);
      batch.timer = setTimeout(() => this.flush(group), limits.maxWaitMs);
    }
    const done = Promise.withResolvers<void>();
    batch.held.push({ item, done });
    batch.bytes += bytes;
    this.heldCount++;
    if (this.closing || batch.held.length >= limits.maxItems || batch.bytes >= limits.maxBytes) this.flush(group);
    else if (this.heldCount >= this.maxHeld) this.flushAll();
    return done.promise;
  }

  /** Shutdown: every batch goes out now, and so does every item added from here on. */
  close(): void {
    this.closing = true;
    this.flushAll();
  }

  private flushAll(): void {
    for (const group of [...this.open.keys()]) this.flush(group);
  }

  private flush(group: string): void {
    const batch = this.open.get(group);
    if (!batch) return;
    this.open.delete(group);
    clearTimeout(batch.timer);
    this.heldCount -= batch.held.length;
    const items = batch.held.map((h) => h.item);
    this.send(group, items).then(
      () => batch.held.forEach((h) => h.done.resolve()),
      (error: unknown) => batch.held.forEach((h) => h.done.reject(error)),
    );
  }
}
