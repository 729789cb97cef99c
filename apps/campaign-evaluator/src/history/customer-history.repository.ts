import { Injectable } from '@nestjs/common';
import type { CustomerHistory } from '@cuewire/campaigns';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/** History older than this is trimmed on write (no rule or cap looks further back). */
const KEEP_MS = 400 * 86_400_000;
const SEP = '\u0000';

function byCampaign(flat: string[]): { map: Map<string, number[]>; ids: Set<string> } {
  const map = new Map<string, number[]>();
  const ids = new Set<string>();
  for (let i = 0; i < flat.length; i += 2) {
    const [campaignId, id] = flat[i].split(SEP);
    map.set(campaignId, [...(map.get(campaignId) ?? []), Number(flat[i + 1])]);
    ids.add(id);
  }
  return { map, ids };
}

/** Per customer: which campaigns fired for them and which campaign messages they clicked. */
@Injectable()
export class CustomerHistoryRepository {
  constructor(private readonly redis: RedisConnection) {}

  /** The history, and whether `triggerId` is already in it (a replay of an admitted firing). */
  async load(customerId: string, triggerId: string): Promise<{ history: CustomerHistory; alreadyAdmitted: boolean }> {
    const [received, clicked] = await Promise.all([
      this.redis.client.zrange(RedisKeys.campaignHistory(customerId), 0, -1, 'WITHSCORES'),
      this.redis.client.zrange(RedisKeys.campaignClicks(customerId), 0, -1, 'WITHSCORES'),
    ]);
    const r = byCampaign(received);
    return { history: { received: r.map, clicked: byCampaign(clicked).map }, alreadyAdmitted: r.ids.has(triggerId) };
  }

  async recordFired(customerId: string, campaignId: string, triggerId: string, at: number): Promise<void> {
    const key = RedisKeys.campaignHistory(customerId);
    await this.redis.client.multi().zadd(key, at, `${campaignId}${SEP}${triggerId}`).zremrangebyscore(key, '-inf', at - KEEP_MS).exec();
  }

  async recordClick(customerId: string, campaignId: string, eventId: string, at: number): Promise<void> {
    const key = RedisKeys.campaignClicks(customerId);
    await this.redis.client.multi().zadd(key, at, `${campaignId}${SEP}${eventId}`).zremrangebyscore(key, '-inf', at - KEEP_MS).exec();
  }
}
