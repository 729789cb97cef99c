import { Injectable } from '@nestjs/common';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { JsonObject } from '@cuewire/contracts';

/**
 * Customer profiles in Redis (one JSON document per customer). The merge runs as one Lua
 * script, so concurrent upserts from replicas never lose attributes. `null` removes one.
 */
const MERGE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local profile = current and cjson.decode(current) or {}
local patch = cjson.decode(ARGV[1])
for k, v in pairs(patch) do
  if v == cjson.null then profile[k] = nil else profile[k] = v end
end
local encoded = next(profile) and cjson.encode(profile) or '{}'
redis.call('SET', KEYS[1], encoded)
return encoded
`;

@Injectable()
export class ProfileRepository {
  constructor(private readonly redis: RedisConnection) {}

  /** Merges and returns the stored profile after the merge. */
  async merge(customerId: string, attributes: JsonObject): Promise<JsonObject> {
    const merged = (await this.redis.client.eval(MERGE_SCRIPT, 1, RedisKeys.profile(customerId), JSON.stringify(attributes))) as string;
    return JSON.parse(merged) as JsonObject;
  }

  /** The stored profile as JSON text ('{}' when the customer is unknown). */
  async snapshot(customerId: string): Promise<string> {
    return (await this.redis.client.get(RedisKeys.profile(customerId))) ?? '{}';
  }
}
