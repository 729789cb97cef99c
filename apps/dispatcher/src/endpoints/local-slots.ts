interface Waiter {
  /** When it gives up (the caller's maxWaitMs after it started waiting). */
  readonly until: number;
  readonly answer: (granted: boolean) => void;
}

interface EndpointSlots {
  holders: number;
  /** When each current holder took its slot (for the age of the oldest). */
  readonly heldSince: Set<{ at: number }>;
  waiting: Waiter[];
  /** Moving average of how long a slot is held (ms); undefined until the first release. */
  holdMs?: number;
  /** One timer per endpoint, for the waiter that gives up first (not one per waiter: a backlog waits here by the hundred). */
  giveUp?: { readonly at: number; readonly timer: NodeJS.Timeout };
}

/**
 * This process's share of each endpoint's concurrency cap. A replica can never use more than
 * the cap, so deliveries beyond it wait here, in arrival order, for a local holder to finish,
 * instead of polling Redis for a lease; Redis still enforces the cap across replicas.
 *
 * A delivery only queues when its expected wait fits in `maxWaitMs`: expected wait = its place
 * in the queue × the time a slot is held (the larger of the moving average and the age of the
 * oldest current holder, so a newly slow endpoint shows at once) ÷ the cap. A fast endpoint's
 * backlog waits here; a slow endpoint's goes to a delay tier at once (`null` = busy) instead of
 * holding request slots that other endpoints' deliveries could use.
 */
export class LocalSlots {
  private readonly endpoints = new Map<string, EndpointSlots>();

  /** A release function, or null when the wait would be (or was) longer than `maxWaitMs`. */
  async acquire(key: string, limit: number, maxWaitMs: number): Promise<(() => void) | null> {
    let endpoint = this.endpoints.get(key);
    if (!endpoint) this.endpoints.set(key, (endpoint = { holders: 0, heldSince: new Set(), waiting: [] }));
    if (endpoint.holders < limit) {
      endpoint.holders++;
      return this.hold(key, endpoint);
    }
    if (this.expectedWaitMs(endpoint, limit) > maxWaitMs) return null;
    const granted = await new Promise<boolean>((answer) => {
      const until = Date.now() + maxWaitMs;
      endpoint.waiting.push({ until, answer });
      this.giveUpAt(endpoint, until);
    });
    return granted ? this.hold(key, endpoint) : null;
  }

  /** Arms the endpoint's timer for `at`, unless it is armed for then or earlier. */
  private giveUpAt(endpoint: EndpointSlots, at: number): void {
    if (endpoint.giveUp && endpoint.giveUp.at <= at) return;
    if (endpoint.giveUp) clearTimeout(endpoint.giveUp.timer);
    endpoint.giveUp = { at, timer: setTimeout(() => this.giveUp(endpoint), Math.max(0, at - Date.now())).unref() };
  }

  /** Waiters past their deadline get no slot; the timer is armed again for those left. */
  private giveUp(endpoint: EndpointSlots): void {
    endpoint.giveUp = undefined;
    const now = Date.now();
    // One pass: the waiters left keep their order, and the earliest deadline among them arms the timer.
    const left: Waiter[] = [];
    const expired: Waiter[] = [];
    let next = Infinity;
    for (const w of endpoint.waiting) {
      if (w.until <= now) expired.push(w);
      else {
        left.push(w);
        next = Math.min(next, w.until);
      }
    }
    endpoint.waiting = left;
    for (const w of expired) w.answer(false);
    if (left.length > 0) this.giveUpAt(endpoint, next);
  }

  private expectedWaitMs(endpoint: EndpointSlots, limit: number): number {
    const now = Date.now();
    let oldest = now;
    for (const h of endpoint.heldSince) oldest = Math.min(oldest, h.at);
    const holdMs = Math.max(endpoint.holdMs ?? 0, now - oldest);
    return ((endpoint.waiting.length + 1) * holdMs) / limit;
  }

  private hold(key: string, endpoint: EndpointSlots): () => void {
    const since = { at: Date.now() };
    endpoint.heldSince.add(since);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      endpoint.heldSince.delete(since);
      const held = Date.now() - since.at;
      endpoint.holdMs = endpoint.holdMs === undefined ? held : 0.8 * endpoint.holdMs + 0.2 * held;
      const next = endpoint.waiting.shift();
      // The slot passes straight to the next waiter, so the count stays right.
      if (next) return next.answer(true);
      endpoint.holders--;
    };
  }
}
