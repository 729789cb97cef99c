import { profileLimitsEnvSchema } from '@cuewire/contracts';
import { randomUUID } from 'node:crypto';
import type { Segment } from '@cuewire/campaigns';
import type { CustomerProfileState } from '@cuewire/contracts';
import type { SnapshotRecord } from '@cuewire/kafka';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection } from '@cuewire/redis';
import { testRedisUrl } from '@cuewire/testing';
import { ProfileStateRestorer } from '../../apps/segmenter/src/profiles/profile-state.restorer.js';
import { ProfileRepository } from '../../apps/segmenter/src/profiles/profile.repository.js';
import { SegmentMembershipRepository } from '../../apps/segmenter/src/segments/segment-membership.repository.js';

const segment = (id: string, field: string): Segment => ({ id, revision: 1, name: id, match: 'all', conditions: [{ field, op: 'eq', value: true, match: 'any' }] });
const state = (customerId: string, profile: object | string): SnapshotRecord<CustomerProfileState> => ({
  key: customerId,
  value: { customerId, profile: typeof profile === 'string' ? profile : JSON.stringify(profile), segments: [], updatedAt: 0 },
});

/** Writing profile-state records back into the real Redis, under a prefix of its own. */
describe('profile-state restore (real Redis)', () => {
  const prefix = `it-restore-${randomUUID().slice(0, 8)}:`;
  const redis = new RedisConnection({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix } as BaseEnv, new ReadinessRegistry());
  const profiles = new ProfileRepository(redis, profileLimitsEnvSchema.parse({}));
  const membership = new SegmentMembershipRepository(redis);
  const restorer = new ProfileStateRestorer(profiles, membership, [segment('vips', 'vip'), segment('beta', 'beta')]);
  const stored = async (customerId: string) => ({
    profile: await redis.client.get(`profile:{${customerId}}`),
    segments: (await redis.client.smembers(`segments:{${customerId}}`)).sort(),
  });
  const members = async (segmentId: string) => redis.client.zrange(`segment-members:{${segmentId}}`, 0, -1);

  beforeAll(() => redis.onModuleInit());
  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length > 0) await redis.client.del(...keys.map((k) => k.slice(prefix.length)));
    await redis.onApplicationShutdown();
  });

  it("keeps each customer's latest record, re-evaluates membership against current segments, and repairs stale membership", async () => {
    // Leftovers: c1 in a deleted segment and in vips; c2 a member of beta.
    await membership.set('c1', ['gone', 'vips'], new Set(['gone', 'vips']));
    await membership.set('c2', ['beta'], new Set(['beta']));
    await profiles.merge('c2', { beta: true });

    const outcome = await restorer.restore([
      state('c1', { vip: true, name: 'Ada' }),
      state('c1', { vip: false, beta: true, name: 'Ada' }),
      { key: 'c2', value: null },
      state('c3', '[1, 2]'),
    ]);

    expect(outcome).toEqual({ restored: 1, deleted: 1, invalid: [{ customerId: 'c3', reason: 'profile must be a JSON object' }] });
    expect(await stored('c1')).toEqual({ profile: '{"vip":false,"beta":true,"name":"Ada"}', segments: ['beta'] });
    expect(await stored('c2')).toEqual({ profile: null, segments: [] });
    expect(await stored('c3')).toEqual({ profile: null, segments: [] });
    expect(await members('vips')).toEqual([]);
    expect(await members('gone')).toEqual([]);
    expect(await members('beta')).toEqual(['c1']);
  });

  it('changes nothing when the same records are applied again', async () => {
    const records = [state('d1', { vip: true }), state('d2', { beta: true, vip: true })];
    await restorer.restore(records);
    const first = await Promise.all([stored('d1'), stored('d2'), members('vips'), members('beta')]);
    await restorer.restore(records);
    expect(await Promise.all([stored('d1'), stored('d2'), members('vips'), members('beta')])).toEqual(first);
    expect(first[2]).toEqual(['d1', 'd2']);
  });
});
