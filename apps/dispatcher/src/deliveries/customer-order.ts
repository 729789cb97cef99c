/**
 * Keeps one customer's deliveries to one webhook in order across deferrals, in this process.
 * A delivery deferred to a delay tier (endpoint busy or paused) would otherwise be overtaken by
 * the customer's next delivery to the same webhook. While a deferred one is outstanding, later
 * ones defer behind it; each proceeds only once every earlier deferred one has an outcome.
 *
 * In memory only: after a crash or a rebalance order is best effort (the replays carry their
 * ids). An entry whose delivery never comes back here (another replica took the partition) is
 * forgotten after its moment plus `graceMs`, so it cannot hold the pair forever.
 */
export class CustomerOrder {
  private readonly outstanding = new Map<string, { deliveryId: string; expiresAt: number }[]>();

  constructor(private readonly graceMs = 60_000) {}

  /** Must this delivery wait behind an earlier deferred one of the same customer and webhook? */
  mustWait(webhookId: string, customerId: string, deliveryId: string, now = Date.now()): boolean {
    const queue = this.live(pairKey(webhookId, customerId), now);
    return queue.length > 0 && queue[0].deliveryId !== deliveryId;
  }

  /** The delivery was handed to a delay tier until `notBefore`. */
  deferred(webhookId: string, customerId: string, deliveryId: string, notBefore: number): void {
    const key = pairKey(webhookId, customerId);
    const queue = this.outstanding.get(key) ?? [];
    const entry = queue.find((e) => e.deliveryId === deliveryId);
    if (entry) entry.expiresAt = notBefore + this.graceMs;
    else queue.push({ deliveryId, expiresAt: notBefore + this.graceMs });
    this.outstanding.set(key, queue);
  }

  /** The delivery has an outcome other than deferral (delivered, retry scheduled, parked, dead, duplicate). */
  settled(webhookId: string, customerId: string, deliveryId: string): void {
    const key = pairKey(webhookId, customerId);
    const queue = this.outstanding.get(key);
    if (!queue) return;
    const rest = queue.filter((e) => e.deliveryId !== deliveryId);
    if (rest.length > 0) this.outstanding.set(key, rest);
    else this.outstanding.delete(key);
  }

  /** The latest moment among the pair's outstanding deliveries (a follower waits at least until then). */
  latestMoment(webhookId: string, customerId: string): number {
    const queue = this.outstanding.get(pairKey(webhookId, customerId)) ?? [];
    return queue.reduce((latest, e) => Math.max(latest, e.expiresAt - this.graceMs), 0);
  }

  private live(key: string, now: number): { deliveryId: string; expiresAt: number }[] {
    const queue = this.outstanding.get(key);
    if (!queue) return [];
    const alive = queue.filter((e) => e.expiresAt > now);
    if (alive.length === 0) this.outstanding.delete(key);
    else if (alive.length !== queue.length) this.outstanding.set(key, alive);
    return alive;
  }
}

const pairKey = (webhookId: string, customerId: string) => `${webhookId}\u0000${customerId}`;
