import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { DispatcherEnv } from '../dispatcher.env.js';

/** Remembers acknowledged delivery ids, so a replayed request is never sent twice. */
@Injectable()
export class DeliveryMarksRepository {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {}

  async wasDelivered(deliveryId: string): Promise<boolean> {
    return (await this.redis.client.exists(RedisKeys.deliveredMark(deliveryId))) === 1;
  }

  async markDelivered(deliveryId: string): Promise<void> {
    await this.redis.client.set(RedisKeys.deliveredMark(deliveryId), String(Date.now()), 'EX', this.config.DISPATCH_DELIVERED_TTL_SECONDS);
  }
}
