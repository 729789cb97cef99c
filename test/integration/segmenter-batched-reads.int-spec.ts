import { jest } from '@jest/globals';
import type { KafkaSettings } from '@cuewire/kafka';
import { RedisKeys } from '@cuewire/redis';
import { isolatedRedis } from '@cuewire/testing';
import type { ProfileLimits } from '@cuewire/contracts';
import { ProfileRepository } from '../../apps/segmenter/src/profiles/profile.repository.js';
import { ProfileStateGuard } from '../../apps/segmenter/src/profiles/profile-state.guard.js';

/**
 * The segmenter enriches the records a batch starts together with one MGET of their profiles
 * and one EXISTS of the profile-state marker, instead of a GET and an EXISTS per event.
 * Nothing is cached: the next batch reads Redis again.
 */
describe('segmenter reads per batch (real Redis)', () => {
  const { redis, dispose } = isolatedRedis('it-segb');
  const profiles = new ProfileRepository(redis, {} as ProfileLimits);
  const guard = new ProfileStateGuard(redis, {} as KafkaSettings, true);

  beforeAll(() => redis.onModuleInit());
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => dispose());

  it('reads the profiles of the events started in one tick with one MGET, the same customer twice included', async () => {
    await redis.client.set(RedisKeys.profile('c-1'), '{"plan":"free"}');
    await redis.client.set(RedisKeys.profile('c-2'), '{"plan":"premium"}');
    const mget = jest.spyOn(redis.client, 'mget');
    const get = jest.spyOn(redis.client, 'get');
    const read = await Promise.all(['c-1', 'c-2', 'c-1', 'c-unknown'].map((id) => profiles.snapshot(id)));
    expect(read).toEqual(['{"plan":"free"}', '{"plan":"premium"}', '{"plan":"free"}', '{}']);
    expect(mget).toHaveBeenCalledTimes(1);
    expect(get).not.toHaveBeenCalled();
  });

  it('caches nothing: a profile changed after a batch is read as changed by the next one', async () => {
    await redis.client.set(RedisKeys.profile('c-3'), '{"v":1}');
    expect(await profiles.snapshot('c-3')).toBe('{"v":1}');
    await redis.client.set(RedisKeys.profile('c-3'), '{"v":2}');
    expect(await profiles.snapshot('c-3')).toBe('{"v":2}');
  });

  it('checks the profile-state marker once for the records of a tick, and again (fresh) after a write removed it', async () => {
    await guard.markComplete();
    const exists = jest.spyOn(redis.client, 'exists');
    await Promise.all(Array.from({ length: 5 }, () => guard.check()));
    expect(exists).toHaveBeenCalledTimes(1);
    await guard.markIncomplete();
    await expect(guard.check()).rejects.toThrow(/lost the customer profiles/);
    await Promise.all([expect(guard.check()).rejects.toThrow(/lost/), expect(guard.check()).rejects.toThrow(/lost/)]);
    await guard.markComplete();
    await expect(guard.check()).resolves.toBeUndefined();
  });
});
