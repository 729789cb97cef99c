import { randomUUID } from 'node:crypto';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection } from '@cuewire/redis';
import { EventDedupeRepository } from '../../apps/ingest/src/dedupe/event-dedupe.repository.js';
import type { IngestEnv } from '../../apps/ingest/src/ingest.env.js';
import { ProfileRepository } from '../../apps/segmenter/src/profiles/profile.repository.js';

/** Ingest's Redis side (client-id dedupe) and the profile round trip through the segmenter's merge, on the real Redis. */
describe('ingest state in Redis', () => {
  const prefix = `it-ingest-${randomUUID().slice(0, 8)}:`;
  const config = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix, INGEST_DEDUPE_WINDOW_SECONDS: 2 } as BaseEnv & IngestEnv;
  const redis = new RedisConnection(config, new ReadinessRegistry());
  beforeAll(() => redis.onModuleInit());
  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length > 0) await redis.client.del(...keys.map((k) => k.slice(prefix.length)));
    await redis.onApplicationShutdown();
  });

  describe('client event id dedupe', () => {
    const dedupe = new EventDedupeRepository(redis, config);

    it('reports an id as seen only after it was marked, per customer, until the window ends', async () => {
      const a = { customerId: 'c1', eventId: 'e1' };
      const sameIdOtherCustomer = { customerId: 'c2', eventId: 'e1' };
      expect(await dedupe.seen([a, sameIdOtherCustomer])).toEqual([false, false]);
      await dedupe.mark([a]);
      expect(await dedupe.seen([a, sameIdOtherCustomer])).toEqual([true, false]);
      expect(await redis.client.ttl('ingested:{c1}:e1')).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      expect(await dedupe.seen([a])).toEqual([false]);
    });

    it('keeps the first mark (NX): a re-mark does not extend the window', async () => {
      const ref = { customerId: 'c3', eventId: 'e3' };
      await dedupe.mark([ref]);
      await redis.client.expire('ingested:{c3}:e3', 1);
      await dedupe.mark([ref]);
      expect(await redis.client.ttl('ingested:{c3}:e3')).toBeLessThanOrEqual(1);
    });
  });

  describe("profile attribute types through the segmenter's merge", () => {
    const profiles = new ProfileRepository(redis, { PROFILE_MAX_ATTRIBUTES: 20, PROFILE_MAX_BYTES: 4_096 });
    const snapshot = async (id: string) => JSON.parse(await profiles.snapshot(id)) as Record<string, unknown>;

    it('keeps numbers, booleans, nested objects and ISO dates as sent, and null deletes', async () => {
      // What ingest produces is the client's JSON text; the segmenter merges its parsed form.
      await profiles.merge('p1', JSON.parse('{"age": 36, "score": 4.25, "vip": true, "address": {"city": "Oslo", "geo": {"lat": 59.91}}, "since": "2026-01-01T00:00:00.000Z", "tags": ["a", "b"], "drop": "x"}'));
      await profiles.merge('p1', { drop: null, vip: false });
      expect(await snapshot('p1')).toEqual({ age: 36, score: 4.25, vip: false, address: { city: 'Oslo', geo: { lat: 59.91 } }, since: '2026-01-01T00:00:00.000Z', tags: ['a', 'b'] });
    });

    // Redis's Lua cjson would break these; the merge happens in JavaScript for that reason.
    it('keeps an empty array an array', async () => {
      await profiles.merge('p2', { tags: [] });
      expect(await snapshot('p2')).toEqual({ tags: [] });
    });

    it('keeps numbers with more than 14 significant digits exact', async () => {
      await profiles.merge('p3', { orderTotalCents: 1234567890123456 });
      expect(await snapshot('p3')).toEqual({ orderTotalCents: 1234567890123456 });
    });

    it('refuses a merge past PROFILE_MAX_ATTRIBUTES or PROFILE_MAX_BYTES and leaves the stored profile as it was', async () => {
      const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`a${i}`, i]));
      await profiles.merge('p4', twenty);
      await expect(profiles.merge('p4', { one: 'more' })).rejects.toThrow(/would hold 21 attributes; at most 20 \(PROFILE_MAX_ATTRIBUTES\)/);
      await expect(profiles.merge('p4', { a0: 'x'.repeat(5_000) })).rejects.toThrow(/at most 4096 \(PROFILE_MAX_BYTES\)/);
      expect(await snapshot('p4')).toEqual(twenty);
    });
  });
});
