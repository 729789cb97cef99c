import { Injectable } from '@nestjs/common';
import { keptVariant, type Campaign } from '@cuewire/campaigns';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/** Assignments outlive the customer's last new one by this long (like their campaign history). */
const TTL_SECONDS = 400 * 86_400;
const SEP = '\u0000';

/**
 * Which arm of a campaign's A/B test each customer is in. The first arm drawn for a customer is
 * recorded (per campaign and seed, in the customer's hash tag) and kept while the campaign still
 * has it, so editing weights never moves anyone, and a replay reads what the first handling
 * wrote. A customer already assigned costs one HGET; a new one an HSET and EXPIRE besides.
 */
@Injectable()
export class VariantAssignmentRepository {
  constructor(private readonly redis: RedisConnection) {}

  async armOf(campaign: Campaign, customerId: string): Promise<string> {
    const key = RedisKeys.variantAssignments(customerId);
    const field = `${campaign.id}${SEP}${campaign.variantSeed ?? ''}`;
    const stored = await this.redis.client.hget(key, field);
    const arm = keptVariant(campaign, customerId, stored);
    // Two plain commands, pipelined by the client: a crash between them leaves a key without a TTL until the next assignment sets it.
    if (arm !== stored) await Promise.all([this.redis.client.hset(key, field, arm), this.redis.client.expire(key, TTL_SECONDS)]);
    return arm;
  }
}
