import { jest } from '@jest/globals';
import type { Campaign } from '@cuewire/campaigns';
import type { CampaignTrigger, CustomerEvent } from '@cuewire/contracts';
import { RedisKeys } from '@cuewire/redis';
import { isolatedRedis } from '@cuewire/testing';
import { KeyedQueue } from '../../libs/kafka/src/consumer/keyed-queue.js';
import type { CampaignEvaluatorEnv } from '../../apps/campaign-evaluator/src/campaign-evaluator.env.js';
import { CustomerHistoryRepository } from '../../apps/campaign-evaluator/src/history/customer-history.repository.js';
import { FiringGate } from '../../apps/campaign-evaluator/src/history/firing-gate.js';
import { SequenceStateRepository } from '../../apps/campaign-evaluator/src/sequences/sequence-state.repository.js';
import { SequenceEvaluator } from '../../apps/campaign-evaluator/src/sequences/sequence.evaluator.js';
import { DueTimersRepository } from '../../apps/campaign-evaluator/src/timers/due-timers.repository.js';
import { TriggerEmitter } from '../../apps/campaign-evaluator/src/firing/trigger.emitter.js';
import { VariantAssignmentRepository } from '../../apps/campaign-evaluator/src/variants/variant-assignment.repository.js';

/**
 * The evaluator's Redis work per event is cut (progress written only when it changes, the
 * firing gate reading only what a campaign's rules need, plain appends instead of MULTI).
 * These prove what must not change with it: a customer's events in order (as the consume loop
 * runs them: one key after another, keys concurrently), a set completed within one batch
 * fires once, and a crash between read and write replays to the same single firing.
 */
describe('campaign evaluator hot path (real Redis)', () => {
  const { redis, dispose } = isolatedRedis('it-evhp');
  const now = Date.parse('2026-11-29T12:00:00Z');
  const history = new CustomerHistoryRepository(redis);
  const states = new SequenceStateRepository(redis);
  const evaluatorWith = (config: Partial<CampaignEvaluatorEnv> = {}) =>
    new SequenceEvaluator(states, new DueTimersRepository(redis), new TriggerEmitter(new FiringGate(history, config as CampaignEvaluatorEnv), new VariantAssignmentRepository(redis)), () => now);
  const evaluator = evaluatorWith();
  const allOf: Campaign = {
    id: 'view-and-cart',
    version: 1,
    name: 'Viewed and carted',
    status: 'live',
    trigger: { type: 'all-of', events: [{ eventType: 'product_view' }, { eventType: 'cart_add' }], within: 'PT1H' },
    webhookIds: ['hook'],
  };
  const notFollowed: Campaign = { ...allOf, id: 'cart-no-buy', trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: 'PT1H' } };
  let n = 0;
  const event = (customerId: string, type: string): CustomerEvent => ({ eventId: `e-${++n}`, customerId, type, occurredAt: now - 1_000 + n, receivedAt: now, source: 'api', properties: '{}' });
  const feed = async (campaign: Campaign, e: CustomerEvent, on = evaluator) => (await on.onEvent(campaign, e, {}, { profile: {}, segments: [] }, '{}')).map((r) => r.value as CampaignTrigger);
  const received = async (customerId: string) => redis.client.zrange(RedisKeys.campaignHistory(customerId), 0, -1);

  beforeAll(() => redis.onModuleInit());
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => dispose());

  it('an all-of completed within one batch fires once per customer, with both events in order, while other customers run concurrently', async () => {
    const queue = new KeyedQueue();
    const batch = ['a', 'b', 'c'].flatMap((c) => [event(`c-batch-${c}`, 'product_view'), event(`c-batch-${c}`, 'cart_add')]);
    batch.push(event('c-batch-d', 'product_view'));
    const fired: CampaignTrigger[] = [];
    // As the consume loop starts a fetched batch: every record at once, one key after another.
    await Promise.all(batch.map((e) => queue.run(e.customerId, async () => void fired.push(...(await feed(allOf, e))))));
    expect(fired.map((t) => t.customerId).sort()).toEqual(['c-batch-a', 'c-batch-b', 'c-batch-c']);
    for (const t of fired) expect(t.events.map((e) => e.type)).toEqual(['product_view', 'cart_add']);
    expect(await received('c-batch-a')).toHaveLength(1);
    expect(await received('c-batch-d')).toEqual([]);
  });

  it('replays a batch that crashed after its writes (outputs never acknowledged) into the same single firing', async () => {
    const view = event('c-replay', 'product_view');
    const cart = event('c-replay', 'cart_add');
    await feed(allOf, view);
    const [first] = await feed(allOf, cart);
    // Not committed: both records come again.
    expect(await feed(allOf, view)).toEqual([]);
    const again = await feed(allOf, cart);
    expect(again.map((t) => t.triggerId)).toEqual([first.triggerId]);
    expect(await received('c-replay')).toHaveLength(1);
  });

  it('a crash between reading the progress and writing it leaves nothing half done: the retry fires once', async () => {
    const view = event('c-crash', 'product_view');
    const cart = event('c-crash', 'cart_add');
    await feed(allOf, view);
    const evalSpy = jest.spyOn(redis.client, 'eval').mockRejectedValueOnce(new Error('connection lost'));
    await expect(feed(allOf, cart)).rejects.toThrow('connection lost');
    evalSpy.mockRestore();
    expect(await received('c-crash')).toEqual([]);
    const retried = await feed(allOf, cart);
    expect(retried).toHaveLength(1);
    expect(retried[0].events.map((e) => e.eventId)).toEqual([view.eventId, cart.eventId]);
    expect(await received('c-crash')).toHaveLength(1);
  });

  it('writes progress only when it changes: a second step with nothing pending reads once and writes nothing', async () => {
    const evalSpy = jest.spyOn(redis.client, 'eval');
    expect(await feed(notFollowed, event('c-idle', 'purchase'))).toEqual([]);
    expect(evalSpy).not.toHaveBeenCalled();
    expect(await redis.client.exists(RedisKeys.sequenceState('c-idle', notFollowed.id))).toBe(0);
    await feed(notFollowed, event('c-idle', 'cart_add'));
    expect(evalSpy).toHaveBeenCalledTimes(1);
    expect(await redis.client.exists(RedisKeys.sequenceState('c-idle', notFollowed.id))).toBe(1);
    await redis.client.zrem(RedisKeys.dueTimers(), ...(await redis.client.zrange(RedisKeys.dueTimers(), 0, -1)));
  });

  it('the gate reads no history for a campaign without caps or rules, and still admits a replay without counting it twice', async () => {
    const zrange = jest.spyOn(redis.client, 'zrange');
    const gate = new FiringGate(history, {} as CampaignEvaluatorEnv);
    expect(await gate.admit(allOf, 'c-gate', 'trg_1', now)).toBe(true);
    expect(await gate.admit(allOf, 'c-gate', 'trg_1', now + 1)).toBe(true);
    expect(zrange).not.toHaveBeenCalled();
    expect(await received('c-gate')).toEqual([`${allOf.id}\u0000trg_1`]);
  });

  it('the gate reads what caps and rules need: the daily cap, and "did not click"', async () => {
    const capped = new FiringGate(history, { EVALUATOR_DAILY_CAP_PER_CUSTOMER: 1 } as CampaignEvaluatorEnv);
    expect(await capped.admit(allOf, 'c-cap', 'trg_a', now)).toBe(true);
    expect(await capped.admit(notFollowed, 'c-cap', 'trg_b', now)).toBe(false);
    expect(await capped.admit(allOf, 'c-cap', 'trg_a', now)).toBe(true); // its replay

    const gate = new FiringGate(history, {} as CampaignEvaluatorEnv);
    const unlessClicked: Campaign = { ...allOf, id: 'reminder', filters: { campaigns: [{ rule: 'not_clicked', campaignId: 'launch' }] } };
    expect(await gate.admit(unlessClicked, 'c-click', 'trg_c', now)).toBe(true);
    await history.recordClick('c-click', 'launch', 'e-click', now - 10);
    expect(await gate.admit(unlessClicked, 'c-click', 'trg_d', now)).toBe(false);
  });
});
