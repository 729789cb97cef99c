import { Injectable } from '@nestjs/common';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

export interface ScheduleProgress {
  /** The last slot whose fan-out completed (epoch ms). */
  readonly lastDone?: number;
  /** The slot being fanned out, and the last member id written for it. */
  readonly slot?: number;
  readonly after?: string;
}

/**
 * How long a scheduled campaign's progress outlives the campaign: the poller renews it while the
 * campaign exists (live or paused), so only a deleted campaign's progress expires.
 */
export const SCHEDULE_PROGRESS_KEEP_MS = 400 * 86_400_000;

/** Renews or takes a lease only if it is free or already ours. */
const TAKE_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/**
 * A scheduled campaign's progress and the lease that lets one replica at a time fan it out.
 * Progress moves only after a page of triggers is acknowledged by Kafka, so a crash resumes
 * after the last acknowledged member: no gaps, and at most one page written twice (with the
 * same trigger ids, which delivery deduplicates).
 */
@Injectable()
export class ScheduleProgressRepository {
  constructor(private readonly redis: RedisConnection) {}

  async get(campaignId: string): Promise<ScheduleProgress> {
    const h = await this.redis.client.hgetall(RedisKeys.scheduleProgress(campaignId));
    return { lastDone: h.lastDone ? Number(h.lastDone) : undefined, slot: h.slot ? Number(h.slot) : undefined, after: h.after || undefined };
  }

  async start(campaignId: string, slot: number): Promise<void> {
    await this.redis.client.hset(RedisKeys.scheduleProgress(campaignId), 'slot', slot, 'after', '');
  }

  async advance(campaignId: string, after: string): Promise<void> {
    await this.redis.client.hset(RedisKeys.scheduleProgress(campaignId), 'after', after);
  }

  async finish(campaignId: string, slot: number): Promise<void> {
    await this.redis.client.multi().hset(RedisKeys.scheduleProgress(campaignId), 'lastDone', slot).hdel(RedisKeys.scheduleProgress(campaignId), 'slot', 'after').exec();
  }

  /** The campaign still exists: its progress is kept (a no-op before its first slot). */
  async keep(campaignId: string): Promise<void> {
    await this.redis.client.pexpire(RedisKeys.scheduleProgress(campaignId), SCHEDULE_PROGRESS_KEEP_MS);
  }

  /** First sight of a campaign: slots before now are not fanned out retroactively. */
  async initialize(campaignId: string, now: number): Promise<void> {
    const key = RedisKeys.scheduleProgress(campaignId);
    await Promise.all([this.redis.client.hsetnx(key, 'lastDone', now), this.redis.client.pexpire(key, SCHEDULE_PROGRESS_KEEP_MS)]);
  }

  async takeLease(campaignId: string, holder: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.client.eval(TAKE_LEASE, 1, RedisKeys.scheduleLease(campaignId), holder, leaseMs)) === 1;
  }

  /** A page of segment members after `after` (exclusive), in id order. */
  async members(segmentId: string, after: string | undefined, limit: number): Promise<string[]> {
    return this.redis.client.zrangebylex(RedisKeys.segmentMembers(segmentId), after ? `(${after}` : '-', '+', 'LIMIT', 0, limit);
  }
}
