import { randomUUID } from 'node:crypto';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection } from '@cuewire/redis';
import { EngagementMarksRepository } from '../../apps/feedback-receiver/src/engagements/engagement-marks.repository.js';
import type { FeedbackReceiverEnv } from '../../apps/feedback-receiver/src/feedback-receiver.env.js';

/** The feedback loop's Redis marks against the real server, under a prefix of their own. */
describe('feedback engagement marks (real Redis)', () => {
  const prefix = `it-fb-${randomUUID().slice(0, 8)}:`;
  const redis = new RedisConnection({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix } as BaseEnv, new ReadinessRegistry());
  const marks = new EngagementMarksRepository(redis, { FEEDBACK_DEDUPE_WINDOW_SECONDS: 120 } as FeedbackReceiverEnv);

  beforeAll(() => redis.onModuleInit());
  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length > 0) await redis.client.del(...keys.map((k) => k.slice(prefix.length)));
    await redis.onApplicationShutdown();
  });

  it('remembers marked event ids for the dedupe window, and only those', async () => {
    await marks.markSeen(['eng_a', 'eng_b']);
    expect(await marks.alreadySeen(['eng_a', 'eng_b', 'eng_c'])).toEqual(new Set(['eng_a', 'eng_b']));
    const ttl = await redis.client.ttl('feedback-seen:{eng_a}');
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('gives the first open of a delivery to one event id, and to it again on replay', async () => {
    const claims = await Promise.all(['eng_1', 'eng_2', 'eng_3'].map((id) => marks.claimFirstOpen('msg-1', id)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = ['eng_1', 'eng_2', 'eng_3'][claims.indexOf(true)];
    expect(await marks.claimFirstOpen('msg-1', winner)).toBe(true);
    expect(await marks.claimFirstOpen('msg-2', 'eng_1')).toBe(true);
  });
});
