import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import type { Campaign } from '@cuewire/campaigns';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { parsePrometheusText, sumOf } from '@cuewire/testing';
import type { CampaignCatalog } from '../../apps/campaign-evaluator/src/catalog/campaign.catalog.js';
import { ScheduleFanOutMetrics } from '../../apps/campaign-evaluator/src/schedules/schedule-fan-out.metrics.js';
import { ScheduleProgressRepository } from '../../apps/campaign-evaluator/src/schedules/schedule-progress.repository.js';
import { DueTimersRepository } from '../../apps/campaign-evaluator/src/timers/due-timers.repository.js';
import { TimerBacklogMetrics } from '../../apps/campaign-evaluator/src/timers/timer-backlog.metrics.js';

/** The evaluator's backlog metrics read the same Redis state the poller and the fan-out keep (real Redis). */
describe('evaluator metrics: timers due and overdue, schedule fan-out progress', () => {
  const run = randomUUID().slice(0, 8);
  const env = { REDIS_KEY_PREFIX: `it-em-${run}:`, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } as BaseEnv;
  const redis = new RedisConnection(env, new ReadinessRegistry());
  const now = 1_800_000_000_000;
  const timers = new TimerBacklogMetrics(redis, () => now);
  const campaign = { id: `weekly-${run}`, trigger: { type: 'schedule', cron: '0 9 * * 1' }, audience: { segmentId: `vip-${run}` } } as unknown as Campaign;
  const catalog = { all: () => [campaign] } as unknown as CampaignCatalog;
  const progress = new ScheduleProgressRepository(redis);
  const fanOut = new ScheduleFanOutMetrics(catalog, progress, redis);
  const scrape = async () => parsePrometheusText(await register.metrics());

  beforeAll(() => {
    timers.onModuleInit();
    fanOut.onModuleInit();
  });

  afterAll(async () => {
    timers.onModuleDestroy();
    fanOut.onModuleDestroy();
    await redis.onApplicationShutdown();
  });

  it('counts timers due now, due for over 30 s, and all waiting; a claimed timer is not due', async () => {
    const repository = new DueTimersRepository(redis);
    await repository.schedule([
      { timerId: 'long-due', dueAt: now - 60_000 },
      { timerId: 'just-due', dueAt: now - 1_000 },
      { timerId: 'claimed', dueAt: now - 120_000 },
      { timerId: 'later', dueAt: now + 60_000 },
    ]);
    // What a poll does to a timer it fires: scored at the end of its lease.
    await repository.postpone([{ timerId: 'claimed', dueAt: now + 30_000 }]);
    const samples = await scrape();
    expect([sumOf(samples, 'cuewire_evaluator_timers_due'), sumOf(samples, 'cuewire_evaluator_timers_overdue'), sumOf(samples, 'cuewire_evaluator_timers_scheduled')]).toEqual([2, 1, 4]);
  });

  it('shows a fan-out’s members done and the audience size while a slot is in progress, and the last slot once done', async () => {
    await redis.client.zadd(RedisKeys.segmentMembers(`vip-${run}`), 0, 'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e');
    const slot = now - 5_000;
    await progress.start(campaign.id, slot);
    await progress.advance(campaign.id, 'c');
    let samples = await scrape();
    const labels = { campaign: campaign.id };
    expect([sumOf(samples, 'cuewire_schedule_fan_out_members_done', labels), sumOf(samples, 'cuewire_schedule_fan_out_members_total', labels)]).toEqual([3, 5]);

    await progress.finish(campaign.id, slot);
    samples = await scrape();
    expect([sumOf(samples, 'cuewire_schedule_fan_out_members_done', labels), sumOf(samples, 'cuewire_schedule_fan_out_members_total', labels)]).toEqual([0, 0]);
    expect(sumOf(samples, 'cuewire_schedule_last_slot_done_timestamp_seconds', labels)).toBe(slot / 1000);
  });
});
