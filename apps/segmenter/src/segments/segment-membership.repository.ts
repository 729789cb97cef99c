import { Injectable } from '@nestjs/common';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/**
 * Segment membership in both directions: a customer's segment ids (for enrichment) and each
 * segment's members ordered by id (for counting and for resumable scheduled fan-outs).
 */
@Injectable()
export class SegmentMembershipRepository {
  constructor(private readonly redis: RedisConnection) {}

  async of(customerId: string): Promise<string[]> {
    return (await this.redis.client.smembers(RedisKeys.segments(customerId))).sort();
  }

  /** Sets the customer's segments to exactly `segmentIds`, moving them in and out of member sets. */
  async set(customerId: string, segmentIds: readonly string[], known: ReadonlySet<string>): Promise<void> {
    const before = await this.of(customerId);
    const added = segmentIds.filter((s) => !before.includes(s));
    // A segment deleted from the control plane is dropped from the customer too.
    const removed = before.filter((s) => !segmentIds.includes(s) || !known.has(s));
    if (added.length === 0 && removed.length === 0) return;
    // Member sets live on their segment's slot, the customer's set on the customer's: no one
    // transaction spans them on a Cluster. The member sets go first and the customer's set last,
    // so a crash in between leaves `before` unchanged and the retried change writes them again.
    const client = this.redis.client;
    await Promise.all([...added.map((s) => client.zadd(RedisKeys.segmentMembers(s), 0, customerId)), ...removed.map((s) => client.zrem(RedisKeys.segmentMembers(s), customerId))]);
    const tx = client.multi();
    if (removed.length > 0) tx.srem(RedisKeys.segments(customerId), ...removed);
    if (added.length > 0) tx.sadd(RedisKeys.segments(customerId), ...added);
    await tx.exec();
  }

  /**
   * Sets many customers' segments at once (a rebuild): the reads issued together, then the
   * writes, with one ZADD / ZREM per segment (auto-pipelined; one command per key, since the keys
   * live on different Cluster slots). Not atomic but idempotent: every target membership is
   * written again, so a rerun repairs a half-applied batch.
   */
  async setMany(targets: ReadonlyMap<string, readonly string[]>, known: ReadonlySet<string>): Promise<void> {
    const customerIds = [...targets.keys()];
    const client = this.redis.client;
    const before = await Promise.all(customerIds.map((customerId) => client.smembers(RedisKeys.segments(customerId))));
    const writes: Promise<unknown>[] = [];
    const joined = new Map<string, string[]>();
    const left = new Map<string, string[]>();
    const add = (bySegment: Map<string, string[]>, segmentId: string, customerId: string) => bySegment.set(segmentId, [...(bySegment.get(segmentId) ?? []), customerId]);
    customerIds.forEach((customerId, i) => {
      const segmentIds = targets.get(customerId)!;
      const removed = before[i].filter((s) => !segmentIds.includes(s) || !known.has(s));
      if (removed.length > 0) writes.push(client.srem(RedisKeys.segments(customerId), ...removed));
      if (segmentIds.length > 0) writes.push(client.sadd(RedisKeys.segments(customerId), ...segmentIds));
      removed.forEach((s) => add(left, s, customerId));
      segmentIds.forEach((s) => add(joined, s, customerId));
    });
    for (const [s, members] of left) writes.push(client.zrem(RedisKeys.segmentMembers(s), ...members));
    for (const [s, members] of joined) writes.push(client.zadd(RedisKeys.segmentMembers(s), ...members.flatMap((m) => [0, m])));
    await Promise.all(writes);
  }
}
