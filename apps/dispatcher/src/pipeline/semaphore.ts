/** At most `limit` holders at once; the others wait in arrival order. */
export class Semaphore {
  private holders = 0;
  // A queue of thousands (a fetched backlog) is normal: a head index keeps taking the next
  // waiter O(1), where Array.shift would move every remaining element on each release.
  private waiting: (() => void)[] = [];
  private head = 0;

  constructor(private readonly limit: number) {}

  async run<R>(work: () => Promise<R>): Promise<R> {
    if (this.holders >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.holders++;
    try {
      return await work();
    } finally {
      const next = this.next();
      // The slot passes straight to the next waiter, so the count stays right.
      if (next) next();
      else this.holders--;
    }
  }

  private next(): (() => void) | undefined {
    if (this.head === this.waiting.length) return undefined;
    const next = this.waiting[this.head++];
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return next;
  }
}
