import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { getMany, RedisConnection, RedisKeys } from '@cuewire/redis';
import { mergeProfile, type JsonObject, type ProfileLimits } from '@cuewire/contracts';
import { APP_CONFIG } from '@cuewire/platform';
import { TransientError } from '@cuewire/kafka';

/**
 * Writes the new profile only if the stored one is still what the merge started from.
 * The merge itself happens in JavaScript: Redis's Lua cjson would turn `[]` into `{}` and
 * round numbers past 14 significant digits.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

/**
 * Customer profiles in Redis (one JSON document per customer), merged attribute by attribute
 * (`null` removes one). Compare-and-set keeps concurrent writers from losing attributes.
 */
@Injectable()
export class ProfileRepository {
  /**
   * The snapshots asked for while the consume loop starts a batch's records (one tick) are read
   * with one MGET: one command and one round trip for the batch instead of a GET per event.
   * No cache: every load reads Redis as it is now.
   */
  private readonly snapshots = new DataLoader<string, string>(
    async (customerIds) => (await getMany(this.redis.client, customerIds.map((id) => RedisKeys.profile(id)))).map((json) => json ?? '{}'),
    { cache: false, maxBatchSize: 1_000 },
  );

  constructor(
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly limits: ProfileLimits,
  ) {}

  /** Merges and returns the stored profile after the merge; throws ProfileLimitError (nothing written) past a limit. */
  async merge(customerId: string, attributes: JsonObject): Promise<JsonObject> {
    const key = RedisKeys.profile(customerId);
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = (await this.redis.client.get(key)) ?? '';
      const profile = mergeProfile(current ? (JSON.parse(current) as JsonObject) : {}, attributes, this.limits);
      if ((await this.redis.client.eval(COMPARE_AND_SET, 1, key, current, JSON.stringify(profile))) === 1) return profile;
    }
    throw new TransientError(`profile of ${customerId} kept changing under us`);
  }

  /** Overwrites profiles with restored JSON documents (null deletes one), in one pipeline. */
  async restore(profiles: ReadonlyMap<string, string | null>): Promise<void> {
    const pipeline = this.redis.client.pipeline();
    for (const [customerId, json] of profiles) {
      if (json === null) pipeline.del(RedisKeys.profile(customerId));
      else pipeline.set(RedisKeys.profile(customerId), json);
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  /**
   * Every stored profile as [customerId, JSON text], a page at a time (SCAN: a profile written
   * meanwhile may be missed or seen twice; callers that need a still picture pause writers).
   */
  async *pages(count = 500): AsyncGenerator<[string, string][]> {
    // SCAN's MATCH is not prefixed by ioredis, and the keys it returns carry the prefix.
    const prefix = this.redis.client.options.keyPrefix ?? '';
    const idStart = RedisKeys.profile('').length - 1;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.client.scan(cursor, 'MATCH', prefix + RedisKeys.profilePattern(), 'COUNT', count);
      cursor = next;
      const unprefixed = keys.map((k) => k.slice(prefix.length));
      const values = unprefixed.length > 0 ? await this.redis.client.mget(...unprefixed) : [];
      yield unprefixed.flatMap((key, i): [string, string][] => (values[i] == null ? [] : [[key.slice(idStart, -1), values[i]]]));
    } while (cursor !== '0');
  }

  /** The stored profile as JSON text ('{}' when the customer is unknown). */
  snapshot(customerId: string): Promise<string> {
    return this.snapshots.load(customerId);
  }
}
