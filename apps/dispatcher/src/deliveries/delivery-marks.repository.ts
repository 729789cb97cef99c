import { Injectable } from '@nestjs/common';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/**
 * Acknowledged delivery ids, so a replayed request is never sent twice. On the hot path the
 * admission script checks the mark and the lease release sets it (EndpointAdmissionRepository);
 * this reads it where no admission happens (unknown or disabled webhook, the items of a batch,
 * whose admission is the batch's) and sets it for the items of a delivered batch.
 */
@Injectable()
export class DeliveryMarksRepository {
  constructor(private readonly redis: RedisConnection) {}

  async wasDelivered(webhookId: string, deliveryId: string): Promise<boolean> {
    return (await this.redis.client.exists(RedisKeys.deliveredMark(webhookId, deliveryId))) === 1;
  }

  /** Marks deliveries acknowledged (the value is when, as the release script writes it). */
  async markDelivered(webhookId: string, deliveryIds: readonly string[], ttlSeconds: number): Promise<void> {
    const at = String(Date.now());
    await Promise.all(deliveryIds.map((id) => this.redis.client.set(RedisKeys.deliveredMark(webhookId, id), at, 'EX', ttlSeconds)));
  }
}
