/** At most `limit` holders at once; the others wait in arrival order. */
export class Semaphore {
  private holders = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<R>(work: () => Promise<R>): Promise<R> {
    if (this.holders >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.holders++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so the count stays right.
      if (next) next();
      else this.holders--;
    }
  }
}
