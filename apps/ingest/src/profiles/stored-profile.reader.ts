import { Injectable, Logger } from '@nestjs/common';
import { parseJsonObject, type JsonObject } from '@cuewire/contracts';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/**
 * The customer's profile as the segmenter keeps it, so a PATCH that would take it past the
 * profile limits is refused up front. Best effort: the segmenter enforces the limits on the
 * merge itself, so when Redis cannot answer the PATCH is judged on its own.
 */
@Injectable()
export class StoredProfileReader {
  private readonly logger = new Logger('Ingest');

  constructor(private readonly redis: RedisConnection) {}

  async find(customerId: string): Promise<JsonObject> {
    try {
      const text = await this.redis.client.get(RedisKeys.profile(customerId));
      return text === null ? {} : parseJsonObject(text, 'profile');
    } catch (err) {
      this.logger.warn({ err, customerId }, 'could not read the stored profile; checking the PATCH against the limits alone');
      return {};
    }
  }
}
