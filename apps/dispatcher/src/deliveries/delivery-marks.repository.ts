import { Injectable } from '@nestjs/common';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/**
 * Acknowledged delivery ids, so a replayed request is never sent twice. On the hot path the
 * admission script checks the mark and the lease release sets it (EndpointAdmissionRepository);
 * this reads it where no admission happens (unknown or disabled webhook).
 */
@Injectable()
export class DeliveryMarksRepository {
  constructor(private readonly redis: RedisConnection) {}

  async wasDelivered(webhookId: string, deliveryId: string): Promise<boolean> {
    return (await this.redis.client.exists(RedisKeys.deliveredMark(webhookId, deliveryId))) === 1;
  }
}
