import type { WebhookRequest } from '@cuewire/contracts';
import { RedisKeys } from '@cuewire/redis';
import { isolatedRedis } from '@cuewire/testing';
import { CustomerHistoryRepository } from '../../apps/campaign-evaluator/src/history/customer-history.repository.js';
import { SCHEDULE_PROGRESS_KEEP_MS, ScheduleProgressRepository } from '../../apps/campaign-evaluator/src/schedules/schedule-progress.repository.js';
import type { DispatcherEnv } from '../../apps/dispatcher/src/dispatcher.env.js';
import { DeliveryLogRepository } from '../../apps/dispatcher/src/log/delivery-log.repository.js';
import { DeliveryLogSweeper } from '../../apps/dispatcher/src/log/delivery-log.sweeper.js';
import { EndpointHealthRepository } from '../../apps/dispatcher/src/endpoints/endpoint-health.repository.js';

/**
 * Keys no later write trims (a customer who goes quiet, a webhook that stops receiving or is
 * deleted, a deleted scheduled campaign) are still bounded in time, and a disabled endpoint's
 * parked deliveries by count (issue #13).
 */
describe('quiet keys are bounded in time (real Redis)', () => {
  const { redis, dispose } = isolatedRedis('it-quiet');
  const DAY = 86_400_000;

  beforeAll(() => redis.onModuleInit());
  afterAll(() => dispose());

  it('a customer\'s campaign history and clicks expire once nothing has been written for the retention', async () => {
    const history = new CustomerHistoryRepository(redis);
    await history.recordFired('quiet-customer', 'welcome', 'trigger-1', Date.now());
    await history.recordClick('quiet-customer', 'welcome', 'click-1', Date.now());
    for (const key of [RedisKeys.campaignHistory('quiet-customer'), RedisKeys.campaignClicks('quiet-customer')]) {
      const ttl = await redis.client.pttl(key);
      expect(ttl).toBeGreaterThan(399 * DAY);
      expect(ttl).toBeLessThanOrEqual(400 * DAY);
    }
  });

  it('a scheduled campaign\'s progress expires unless the campaign still exists to renew it', async () => {
    const progress = new ScheduleProgressRepository(redis);
    await progress.keep('not-started'); // no progress yet: nothing is created
    expect(await redis.client.exists(RedisKeys.scheduleProgress('not-started'))).toBe(0);
    await progress.initialize('one-off', 0);
    await progress.start('one-off', 1_000);
    await progress.finish('one-off', 1_000);
    const key = RedisKeys.scheduleProgress('one-off');
    await redis.client.pexpire(key, 60_000); // as if a year had passed since it was last renewed
    await progress.keep('one-off');
    expect(await redis.client.pttl(key)).toBeGreaterThan(SCHEDULE_PROGRESS_KEEP_MS - 60_000);
    expect(await progress.get('one-off')).toEqual({ lastDone: 1_000, slot: undefined, after: undefined });
  });

  it('the delivery log sweeper trims every webhook\'s slice, a quiet one\'s too, drops slices left empty, and empties the global index earlier versions wrote', async () => {
    const config = { DISPATCH_LOG_RETENTION_HOURS: 72, DISPATCH_LOG_SWEEP_MS: 600_000 } as DispatcherEnv;
    const log = new DeliveryLogRepository(redis, config);
    const request = (webhookId: string, deliveryId: string) => ({ webhookId, deliveryId, campaignId: 'c', customerId: 'cu', attempt: 1, method: 'POST', url: 'http://x', headers: {}, body: Buffer.from('{}') }) as unknown as WebhookRequest;
    const now = Date.now();
    const old = now - 100 * 3_600_000; // older than the 72 h retention
    await log.recordDead(request('busy', 'd1'), { latencyMs: 3, attemptedAt: old, error: 'receiver answered 500' });
    await log.recordDead(request('busy', 'd2'), { latencyMs: 3, attemptedAt: now, error: 'receiver answered 500' });
    await log.recordDead(request('quiet', 'd3'), { latencyMs: 3, attemptedAt: old, error: 'receiver answered 500' });
    await redis.client.zadd(RedisKeys.deliveryLogByWebhook('quiet'), old, JSON.stringify({ deliveryId: 'd4', outcome: 'DELIVERED', at: old }));
    await redis.client.zadd(RedisKeys.deliveryLog(), old, 'old-1', old, 'old-2');

    const removed = await new DeliveryLogSweeper(redis, config).sweep(now);
    expect(removed).toBe(5); // two from the old global index, one from "busy", two from "quiet"
    expect(await redis.client.zcard(RedisKeys.deliveryLogByWebhook('busy'))).toBe(1);
    expect(await redis.client.exists(RedisKeys.deliveryLogByWebhook('quiet'))).toBe(0);
    expect(await redis.client.exists(RedisKeys.deliveryLog())).toBe(0);
    expect((await log.query({ webhookId: 'busy', outcome: 'DEAD', from: 0, to: now, limit: 10, cursor: 0 })).items.map((e) => e.deliveryId)).toEqual(['d2']);
    expect((await log.requestForReplay('d3'))?.deliveryId).toBe('d3');
  });

  it('a disabled endpoint parks at most DISPATCH_PARKED_MAX deliveries; the rest are refused (and dead-lettered by the executor)', async () => {
    const health = new EndpointHealthRepository(redis, { DISPATCH_PARKED_MAX: 2 } as DispatcherEnv);
    const delivery = (deliveryId: string) => ({ request: { webhookId: 'off', deliveryId, body: Buffer.from('{}'), headers: {} } as unknown as WebhookRequest, history: [] });
    expect(await Promise.all(['p1', 'p2', 'p3', 'p4'].map((id) => health.park('off', delivery(id))))).toEqual([true, true, false, false]);
    expect(await health.parkedCount('off')).toBe(2);
  });
});
