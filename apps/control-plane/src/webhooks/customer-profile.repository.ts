import { Injectable } from '@nestjs/common';
import { parseJsonObject, type JsonObject } from '@cuewire/contracts';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/** Reads a customer's profile as the segmenter keeps it (RedisKeys.profile), for preview and send test. */
@Injectable()
export class CustomerProfileRepository {
  constructor(private readonly redis: RedisConnection) {}

  async find(customerId: string): Promise<JsonObject | undefined> {
    const text = await this.redis.client.get(RedisKeys.profile(customerId));
    return text === null ? undefined : parseJsonObject(text, 'profile');
  }
}
