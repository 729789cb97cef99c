import { randomUUID } from 'node:crypto';
import type { Campaign } from '@cuewire/campaigns';
import type { CampaignTrigger, CustomerEvent } from '@cuewire/contracts';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection } from '@cuewire/redis';
import type { CampaignEvaluatorEnv } from '../../apps/campaign-evaluator/src/campaign-evaluator.env.js';
import { CustomerHistoryRepository } from '../../apps/campaign-evaluator/src/history/customer-history.repository.js';
import { FiringGate } from '../../apps/campaign-evaluator/src/history/firing-gate.js';
import { SequenceStateRepository } from '../../apps/campaign-evaluator/src/sequences/sequence-state.repository.js';
import { SequenceEvaluator } from '../../apps/campaign-evaluator/src/sequences/sequence.evaluator.js';
import { DueTimersRepository } from '../../apps/campaign-evaluator/src/timers/due-timers.repository.js';
import { TriggerEmitter } from '../../apps/campaign-evaluator/src/firing/trigger.emitter.js';
import { VariantAssignmentRepository } from '../../apps/campaign-evaluator/src/variants/variant-assignment.repository.js';

/**
 * The consume loop replays every record whose batch was not committed (a crash, or another
 * partition of the batch failing). The all-of progress is in Redis by then, so the replay
 * must give back the same firing rather than find the set already consumed.
 */
describe('all-of trigger under replay (real Redis)', () => {
  const prefix = `it-allof-${randomUUID().slice(0, 8)}:`;
  const redis = new RedisConnection({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix } as BaseEnv, new ReadinessRegistry());
  const now = Date.parse('2026-11-29T12:00:00Z');
  const evaluator = new SequenceEvaluator(
    new SequenceStateRepository(redis),
    new DueTimersRepository(redis),
    new TriggerEmitter(new FiringGate(new CustomerHistoryRepository(redis), {} as CampaignEvaluatorEnv), new VariantAssignmentRepository(redis)),
    () => now,
  );
  const campaign: Campaign = {
    id: 'launch-and-view',
    version: 1,
    name: 'Launched and viewed',
    status: 'live',
    trigger: { type: 'all-of', events: [{ eventType: 'app_launch' }, { eventType: 'notification_view' }], within: 'PT1H' },
    caps: { oncePerCustomer: true },
    webhookIds: ['hook'],
  };
  const event = (eventId: string, type: string, at: number): CustomerEvent => ({
    eventId, customerId: 'c-1', type, occurredAt: at, receivedAt: at, source: 'api', properties: '{}',
  });
  const feed = async (e: CustomerEvent, version = 1) =>
    (await evaluator.onEvent({ ...campaign, version }, e, {}, { profile: {}, segments: [] }, '{}')).map((r) => r.value as CampaignTrigger);

  beforeAll(() => redis.onModuleInit());
  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length > 0) await redis.client.del(...keys.map((k) => k.slice(prefix.length)));
    await redis.onApplicationShutdown();
  });

  it('fires the same trigger again when the completing event is replayed, even after an edit, and never a second set', async () => {
    const launch = event('launch-1', 'app_launch', now - 60_000);
    const view = event('view-1', 'notification_view', now);
    expect(await feed(launch)).toEqual([]);
    const first = await feed(view);
    expect(first).toHaveLength(1);

    // The batch was never committed: both records come again (the campaign was edited meanwhile).
    expect(await feed(launch, 2)).toEqual([]);
    const replayed = await feed(view, 2);
    expect(replayed.map((t) => t.triggerId)).toEqual([first[0].triggerId]);
    expect(replayed[0].events.map((e) => e.eventId)).toEqual(['launch-1', 'view-1']);

    // Fires once: a genuinely new set is held back by the once-per-customer cap.
    expect(await feed(event('launch-2', 'app_launch', now + 1_000))).toEqual([]);
    expect(await feed(event('view-2', 'notification_view', now + 2_000))).toEqual([]);
  });
});
