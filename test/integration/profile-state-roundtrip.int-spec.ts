import { randomUUID } from 'node:crypto';
import { Topics, profileLimitsEnvSchema } from '@cuewire/contracts';
import { AvroSerde, ensureTopics, recordOutput, TypedProducer, type ConsumeLoopLogger } from '@cuewire/kafka';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection } from '@cuewire/redis';
import { testKafkaSettings, testRedisUrl, testRegistryUrl } from '@cuewire/testing';
import { backfillProfileState } from '../../apps/segmenter/src/cli/backfill-profile-state.command.js';
import { rebuildProfiles } from '../../apps/segmenter/src/cli/rebuild-profiles.command.js';
import { ProfileRepository } from '../../apps/segmenter/src/profiles/profile.repository.js';

const quiet: ConsumeLoopLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * An install whose profiles predate the profile-state topic: `backfill profile-state` copies
 * them to Kafka, after which a Redis that loses everything gets them back with `rebuild profiles`.
 * Real Kafka, registry and Redis, under a topic and key prefix of its own.
 */
describe('profile state: backfill to Kafka, rebuild from Kafka', () => {
  const run = randomUUID().slice(0, 8);
  const prefix = `it-pstate-${run}:`;
  const settings = testKafkaSettings(`it-pstate-${run}`, `it-pstate-${run}.`);
  const serde = new AvroSerde(testRegistryUrl());
  const producer = new TypedProducer(settings, serde);
  const redis = new RedisConnection({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix } as BaseEnv, new ReadinessRegistry());
  const profiles = new ProfileRepository(redis, profileLimitsEnvSchema.parse({}));
  const deps = { settings, serde, redis, logger: quiet };
  const options = { batchSize: 2, progressIntervalMs: 0, progress: () => undefined };
  const runKeys = async () => (await redis.client.keys(`${prefix}*`)).map((k) => k.slice(prefix.length));
  const everything = async () => {
    const keys = (await runKeys()).filter((k) => k !== 'profile-state:complete').sort();
    const values = await Promise.all(keys.map(async (k) => ((await redis.client.type(k)) === 'string' ? redis.client.get(k) : redis.client.sort(k, 'ALPHA'))));
    return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
  };

  beforeAll(async () => {
    await redis.onModuleInit();
    await ensureTopics(settings, [Topics.customerProfileState, Topics.segmentConfig]);
    const body = JSON.stringify({ name: 'VIPs', conditions: [{ field: 'vip', op: 'eq', value: true }] });
    await producer.send([recordOutput(Topics.segmentConfig, 'vips', { kind: 'segment', id: 'vips', revision: 1, updatedAt: Date.now(), body })]);
  });
  afterAll(async () => {
    const keys = await runKeys();
    if (keys.length > 0) await redis.client.del(...keys);
    await producer.close();
    await redis.onApplicationShutdown();
  });

  it('publishes every stored profile, then restores them and their membership into an emptied Redis', async () => {
    // Profiles written before the topic existed, and the marker a segmenter set on an empty topic.
    await profiles.merge('ada', { vip: true, firstName: 'Ada', nested: { a: [1, 2] } });
    await profiles.merge('bob', { vip: false });
    await profiles.merge('cy', { vip: true });
    await redis.client.set('profile:{broken}', '[]');
    await redis.client.set('profile-state:complete', '1');

    expect(await backfillProfileState({ ...deps, producer }, options)).toMatchObject({ backfilled: true, complete: true, profiles: 3, invalid: 1 });
    expect(await redis.client.exists('profile-state:complete')).toBe(1);
    await redis.client.del('profile:{broken}');
    const before = await everything();

    await redis.client.del(...(await runKeys()));
    expect(await rebuildProfiles(deps, { ...options, force: false })).toMatchObject({ rebuilt: true, complete: true, records: 3, profiles: 3, segments: 1 });
    const after = await everything();
    expect(after).toEqual({
      ...before,
      'segments:{ada}': ['vips'],
      'segments:{cy}': ['vips'],
      'segment-members:{vips}': ['ada', 'cy'],
    });
    expect(after['profile:{ada}']).toBe('{"vip":true,"firstName":"Ada","nested":{"a":[1,2]}}');
    expect(await redis.client.exists('profile-state:complete')).toBe(1);
  });

  it('refuses to backfill from a Redis that lost its profiles', async () => {
    await redis.client.del('profile-state:complete');
    expect(await backfillProfileState({ ...deps, producer }, options)).toMatchObject({ backfilled: false });
    expect(await redis.client.exists('profile-state:complete')).toBe(0);
  });
});
