import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
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
    async (customerIds) => (await this.redis.getMany(customerIds.map((id) => RedisKeys.profile(id)))).map((json) => json ?? '{}'),
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

  /**
   * Overwrites profiles with restored JSON documents (null deletes one). One command per
   * customer, issued together (auto-pipelined): customers live on different Cluster slots.
   */
  async restore(profiles: ReadonlyMap<string, string | null>): Promise<void> {
    const client = this.redis.client;
    await Promise.all([...profiles].map(([customerId, json]) => (json === null ? client.del(RedisKeys.profile(customerId)) : client.set(RedisKeys.profile(customerId), json))));
  }

  /**
   * Every stored profile as [customerId, JSON text], a page at a time (SCAN, every Cluster master:
   * a profile written meanwhile may be missed or seen twice; callers that need a still picture pause writers).
   */
  async *pages(count = 500): AsyncGenerator<[string, string][]> {
    const idStart = RedisKeys.profile('').length - 1;
    for await (const keys of this.redis.scanKeys(RedisKeys.profilePattern(), count)) {
      const values = await this.redis.getMany(keys);
      yield keys.flatMap((key, i): [string, string][] => (values[i] == null ? [] : [[key.slice(idStart, -1), values[i]]]));
    }
  }

  /** The stored profile as JSON text ('{}' when the customer is unknown). */
  snapshot(customerId: string): Promise<string> {
    return this.snapshots.load(customerId);
  }
}
