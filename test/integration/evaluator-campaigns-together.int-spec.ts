import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import type { CampaignTrigger, ConfigRecord, CustomerEvent, EnrichedEvent } from '@cuewire/contracts';
import type { ConsumedRecord } from '@cuewire/kafka';
import type { ConfigViews } from '@cuewire/kafka-nest';
import { RedisKeys } from '@cuewire/redis';
import { isolatedRedis } from '@cuewire/testing';
import type { CampaignEvaluatorEnv } from '../../apps/campaign-evaluator/src/campaign-evaluator.env.js';
import { CampaignCatalog } from '../../apps/campaign-evaluator/src/catalog/campaign.catalog.js';
import { TriggerEmitter } from '../../apps/campaign-evaluator/src/firing/trigger.emitter.js';
import { CustomerHistoryRepository } from '../../apps/campaign-evaluator/src/history/customer-history.repository.js';
import { FiringGate } from '../../apps/campaign-evaluator/src/history/firing-gate.js';
import { SequenceStateRepository } from '../../apps/campaign-evaluator/src/sequences/sequence-state.repository.js';
import { SequenceEvaluator } from '../../apps/campaign-evaluator/src/sequences/sequence.evaluator.js';
import { DueTimersRepository } from '../../apps/campaign-evaluator/src/timers/due-timers.repository.js';
import { EnrichedEventHandler } from '../../apps/campaign-evaluator/src/triggers/enriched-event.handler.js';
import { VariantAssignmentRepository } from '../../apps/campaign-evaluator/src/variants/variant-assignment.repository.js';

/**
 * One event can concern many campaigns (a product view advances every sequence that has a
 * product-view step). Those whose gate reads no history run together; one that reads history
 * (caps, rules on other campaigns) waits for every campaign before it and holds back those after
 * it. These prove both halves against real Redis: the work overlaps, and a rule still sees the
 * firings of the campaigns before it in the same event, as if they had run one after another.
 */
describe('campaign evaluator: the campaigns of one event (real Redis)', () => {
  const { redis, dispose } = isolatedRedis('it-evct');
  const now = Date.parse('2026-11-30T09:00:00Z');
  const history = new CustomerHistoryRepository(redis);

  function handlerFor(campaigns: Record<string, object>, config: Partial<CampaignEvaluatorEnv> = {}) {
    const records = new Map<string, ConfigRecord>(
      Object.entries(campaigns).map(([id, body]) => [id, { kind: 'campaign', id, revision: 1, updatedAt: 0, body: JSON.stringify(body) }]),
    );
    const view = Object.assign(new EventEmitter(), { values: () => records.values() });
    const catalog = new CampaignCatalog({ campaigns: view } as unknown as ConfigViews);
    const gate = new FiringGate(history, config as CampaignEvaluatorEnv);
    const emitter = new TriggerEmitter(gate, new VariantAssignmentRepository(redis));
    const sequences = new SequenceEvaluator(new SequenceStateRepository(redis), new DueTimersRepository(redis), emitter, () => now);
    return new EnrichedEventHandler(catalog, sequences, emitter, history, gate, () => now);
  }

  let n = 0;
  const record = (customerId: string, type: string, properties: object = {}): ConsumedRecord<EnrichedEvent> => {
    const event: CustomerEvent = { eventId: `e-${++n}`, customerId, type, occurredAt: now - 1_000 + n, receivedAt: now, source: 'api', properties: JSON.stringify(properties) };
    return { topic: 'enriched-events', partition: 0, offset: BigInt(n), key: customerId, headers: {}, timestamp: now, value: { event, profile: '{}', segments: [], enrichedAt: now } };
  };
  const fired = async (handler: EnrichedEventHandler, r: ConsumedRecord<EnrichedEvent>) => (await handler.handle(r)).map((o) => (o.value as CampaignTrigger).campaignId);
  const received = async (customerId: string) => (await redis.client.zrange(RedisKeys.campaignHistory(customerId), 0, -1)).map((m) => m.split('\u0000')[0]).sort();

  const base = { name: 'c', status: 'live', webhookIds: ['hook'] };
  const onPurchase = (extra: object = {}) => ({ ...base, trigger: { type: 'event', eventType: 'purchase' }, ...extra });
  const viewThenCart = { ...base, trigger: { type: 'all-of', events: [{ eventType: 'product_view' }, { eventType: 'cart_add' }], within: 'PT1H' } };

  beforeAll(() => redis.onModuleInit());
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => dispose());

  it('runs the Redis work of campaigns that read no history together, and returns their triggers in catalog order', async () => {
    const handler = handlerFor({ s1: viewThenCart, s2: viewThenCart, s3: viewThenCart, s4: viewThenCart, s5: viewThenCart });
    let inFlight = 0;
    let most = 0;
    const hmget = redis.client.hmget.bind(redis.client);
    jest.spyOn(redis.client, 'hmget').mockImplementation(((...args: Parameters<typeof hmget>) => {
      most = Math.max(most, ++inFlight);
      return hmget(...args).finally(() => inFlight--);
    }) as typeof hmget);
    expect(await fired(handler, record('c-together', 'product_view'))).toEqual([]);
    // One after another, one read would be in flight at a time.
    expect(most).toBe(5);
    expect(await fired(handler, record('c-together', 'cart_add'))).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(await received('c-together')).toEqual(['s1', 's2', 's3', 's4', 's5']);
  });

  it('a rule on another campaign sees that campaign\'s firing on the same event when it comes later in the catalog', async () => {
    const handler = handlerFor({
      first: onPurchase(),
      second: onPurchase(),
      unlessFirst: onPurchase({ filters: { campaigns: [{ rule: 'not_received', campaignId: 'first', within: 'P1D' }] } }),
      ifSecond: onPurchase({ filters: { campaigns: [{ rule: 'received', campaignId: 'second', within: 'P1D' }] } }),
      after: onPurchase(),
    });
    expect(await fired(handler, record('c-rules', 'purchase'))).toEqual(['first', 'second', 'ifSecond', 'after']);
    expect(await received('c-rules')).toEqual(['after', 'first', 'ifSecond', 'second']);
  });

  it('a click is recorded before a "clicked" rule on the same event reads it, beside campaigns that read nothing', async () => {
    const onClick = (extra: object = {}) => ({ ...base, trigger: { type: 'event', eventType: 'email_click' }, ...extra });
    const handler = handlerFor({
      plain: onClick(),
      ifClicked: onClick({ filters: { campaigns: [{ rule: 'clicked', campaignId: 'launch' }] } }),
      unlessClicked: onClick({ filters: { campaigns: [{ rule: 'not_clicked', campaignId: 'launch' }] } }),
    });
    expect(await fired(handler, record('c-click', 'email_click', { campaignId: 'launch' }))).toEqual(['plain', 'ifClicked']);
  });

  it('with the install-wide daily cap every campaign reads history, so the cap holds within one event', async () => {
    const handler = handlerFor({ a: onPurchase(), b: onPurchase(), c: onPurchase() }, { EVALUATOR_DAILY_CAP_PER_CUSTOMER: 2 });
    expect(await fired(handler, record('c-daily', 'purchase'))).toEqual(['a', 'b']);
    expect(await received('c-daily')).toEqual(['a', 'b']);
  });

  it('a campaign\'s own cap holds when it fires beside others on the same event', async () => {
    const handler = handlerFor({ a: onPurchase(), capped: onPurchase({ caps: { oncePerCustomer: true } }), b: onPurchase() });
    expect(await fired(handler, record('c-capped', 'purchase'))).toEqual(['a', 'capped', 'b']);
    expect(await fired(handler, record('c-capped', 'purchase'))).toEqual(['a', 'b']);
  });

  it('when one campaign\'s write fails, the others finish before the record fails, and the retry fires each campaign once', async () => {
    const handler = handlerFor({ a: onPurchase(), b: onPurchase(), c: onPurchase() });
    const zadd = redis.client.zadd.bind(redis.client);
    let calls = 0;
    jest.spyOn(redis.client, 'zadd').mockImplementation(((...args: Parameters<typeof zadd>) =>
      ++calls === 2 ? Promise.reject(new Error('connection lost')) : zadd(...args)) as typeof zadd);
    const r = record('c-fail', 'purchase');
    await expect(handler.handle(r)).rejects.toThrow('connection lost');
    // Settled, not in flight: the two that could write have written.
    expect(await received('c-fail')).toEqual(['a', 'c']);
    jest.restoreAllMocks();
    const retried = (await handler.handle(r)).map((o) => o.value as CampaignTrigger);
    expect(retried.map((t) => t.campaignId)).toEqual(['a', 'b', 'c']);
    expect(await received('c-fail')).toEqual(['a', 'b', 'c']);
  });
});
