import { Injectable } from '@nestjs/common';
import type { CustomerContext } from '@cuewire/campaigns';
import { parseJsonObject } from '@cuewire/contracts';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/** A customer as filters see them, plus the raw profile the trigger carries. */
export interface LoadedCustomer {
  readonly profile: string;
  readonly context: CustomerContext;
}

/**
 * Profiles and segment membership as the segmenter keeps them in Redis, for the firing paths
 * that do not start from an enriched event (durable timers, scheduled fan-outs): their
 * segment filters (`in`, `notIn` opt-outs) see the same membership as event triggers do.
 */
@Injectable()
export class CustomerContextRepository {
  constructor(private readonly redis: RedisConnection) {}

  /** Segment membership is read only `withSegments` (a fan-out page skips it when the campaign has no segment filter). */
  async load(customerIds: readonly string[], withSegments = true): Promise<LoadedCustomer[]> {
    if (customerIds.length === 0) return [];
    const [profiles, segments] = await Promise.all([
      this.redis.getMany(customerIds.map((id) => RedisKeys.profile(id))),
      withSegments ? Promise.all(customerIds.map((id) => this.redis.client.smembers(RedisKeys.segments(id)))) : undefined,
    ]);
    return customerIds.map((_, i) => {
      const profile = profiles[i] ?? '{}';
      return { profile, context: { profile: parseJsonObject(profile, 'profile'), segments: segments?.[i] ?? [] } };
    });
  }
}
