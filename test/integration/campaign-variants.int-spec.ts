import { jest } from '@jest/globals';
import { CONTROL_GROUP, drawVariant, type Campaign } from '@cuewire/campaigns';
import type { CampaignTrigger, CustomerEvent, DeliveryResult, WebhookRequest } from '@cuewire/contracts';
import type { OutgoingRecord } from '@cuewire/kafka';
import { CompiledWebhook, createTemplateEngine, webhookSettingsSchema } from '@cuewire/templating';
import { RedisKeys } from '@cuewire/redis';
import { isolatedDatabase, isolatedRedis } from '@cuewire/testing';
import type { CampaignEvaluatorEnv } from '../../apps/campaign-evaluator/src/campaign-evaluator.env.js';
import { TriggerEmitter } from '../../apps/campaign-evaluator/src/firing/trigger.emitter.js';
import { CustomerHistoryRepository } from '../../apps/campaign-evaluator/src/history/customer-history.repository.js';
import { FiringGate } from '../../apps/campaign-evaluator/src/history/firing-gate.js';
import { VariantAssignmentRepository } from '../../apps/campaign-evaluator/src/variants/variant-assignment.repository.js';
import { HistoryDatabase } from '../../apps/history/src/database/history-database.js';
import { PartitionMaintenance } from '../../apps/history/src/database/partition.maintenance.js';
import { DeliveryHistoryRepository } from '../../apps/history/src/deliveries/delivery-history.repository.js';
import { deliverySearchQuery, deliverySummaryQuery } from '../../apps/history/src/deliveries/delivery-history.schemas.js';
import { CampaignFiguresRepository } from '../../apps/history/src/figures/campaign-figures.repository.js';
import { campaignFiguresQuery } from '../../apps/history/src/figures/campaign-figures.schemas.js';
import type { HistoryEnv } from '../../apps/history/src/history.env.js';
import { HistoryRecordsRepository } from '../../apps/history/src/recording/history-records.repository.js';
import type { CompiledWebhookCatalog } from '../../apps/renderer/src/catalog/compiled-webhook.catalog.js';
import { CampaignTriggerHandler } from '../../apps/renderer/src/requests/campaign-trigger.handler.js';

const CUSTOMERS = 10_000;
const TOLERANCE = 0.03;

/** Runs `work` over `items` a chunk at a time (as the consume loop starts a batch: all at once, then the next). */
async function inChunks<T, R>(items: readonly T[], work: (item: T) => Promise<R[]>, size = 500): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))).flat());
  return out;
}

const shareOf = (triggers: readonly CampaignTrigger[], arm: string) => triggers.filter((t) => t.variant === arm).length / triggers.length;

/**
 * A/B variants through the evaluator's firing path (gate + assignment on real Redis), the
 * renderer's handler and the history's PostgreSQL, driven directly over 10,000 customers; the
 * pipeline end to end is test/e2e/campaign-variants.e2e-spec.ts.
 */
describe('campaign variants and control group (real Redis and PostgreSQL)', () => {
  const { redis, dispose } = isolatedRedis('it-variants');
  const database = isolatedDatabase('variants_int');
  const historyConfig = { DATABASE_URL: database.url, DATABASE_POOL_SIZE: 8, HISTORY_RETENTION_DAYS: 7, HISTORY_PARTITIONS_AHEAD_DAYS: 1, HISTORY_MAINTENANCE_INTERVAL_MS: 3_600_000 } satisfies HistoryEnv;
  const emitter = new TriggerEmitter(new FiringGate(new CustomerHistoryRepository(redis), {} as CampaignEvaluatorEnv), new VariantAssignmentRepository(redis));
  const offer = { auth: { type: 'none' as const }, ...webhookSettingsSchema.parse({ name: 'Offer', url: 'https://example.test/offer/{{customer.id}}', body: '{"subject": {{json variant.subject}} }' }), id: 'wh-offer', revision: 1 };
  const compiled = new CompiledWebhook(createTemplateEngine(), offer);
  const renderer = new CampaignTriggerHandler({ get: (id: string) => (id === offer.id ? compiled : undefined) } as unknown as CompiledWebhookCatalog);
  const now = Date.now();
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => `c-${i}`);
  const purchase = (customerId: string, n: number): CustomerEvent => ({ eventId: `${customerId}-buy-${n}`, customerId, type: 'purchase', occurredAt: now, receivedAt: now, source: 'api', properties: '{}' });
  const campaign = (id: string, variants: Campaign['variants'], controlGroup?: Campaign['controlGroup']): Campaign => ({
    id, version: 1, name: id, status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: [offer.id], variants, controlGroup,
  });
  const fire = (c: Campaign, round: number) =>
    inChunks(customers, async (customerId) => (await emitter.forEvents(c, customerId, [purchase(customerId, round)], '{}', now)).map((r) => r.value!));
  const render = (triggers: readonly CampaignTrigger[]) =>
    inChunks(triggers, async (t) => ((await renderer.handle({ value: t } as never)) as OutgoingRecord<WebhookRequest>[]).map((r) => r.value!));

  beforeAll(() => redis.onModuleInit());
  afterAll(async () => {
    await dispose();
    await database.drop();
  });

  describe('two variants 50/50', () => {
    const split = campaign('subject-test', [
      { id: 'a', weight: 50, variables: { subject: 'Ten percent off' } },
      { id: 'b', weight: 50, variables: { subject: 'Free shipping' } },
    ]);
    let first: CampaignTrigger[];

    beforeAll(async () => {
      first = await fire(split, 1);
    }, 60_000);

    it(`lands within ±${TOLERANCE * 100} % of the split over ${CUSTOMERS} customers`, () => {
      expect(first).toHaveLength(CUSTOMERS);
      for (const arm of ['a', 'b']) expect(Math.abs(shareOf(first, arm) - 0.5)).toBeLessThanOrEqual(TOLERANCE);
    });

    it('gives every customer the same variant on every firing, even after the weights are edited', async () => {
      const edited = { ...split, version: 2, variants: [{ ...split.variants![0], weight: 90 }, { ...split.variants![1], weight: 10 }] };
      const second = await fire(edited, 2);
      const armOf = new Map(first.map((t) => [t.customerId, t.variant]));
      expect(second.filter((t) => t.variant !== armOf.get(t.customerId))).toEqual([]);
      expect(new Set(second.map((t) => t.triggerId)).size).toBe(CUSTOMERS);
    }, 60_000);

    it('gives a replayed event the same trigger, variant and delivery ids', async () => {
      const sample = first.slice(0, 500);
      const replayed = await inChunks(sample, async (t) => (await emitter.forEvents(split, t.customerId, [purchase(t.customerId, 1)], '{}', now)).map((r) => r.value!));
      expect(replayed.map((t) => [t.triggerId, t.variant, t.variantVariables])).toEqual(sample.map((t) => [t.triggerId, t.variant, t.variantVariables]));
      expect((await render(replayed)).map((r) => r.deliveryId)).toEqual((await render(sample)).map((r) => r.deliveryId));
    }, 60_000);
  });

  it('costs a campaign without variants no assignment read or write', async () => {
    const plain = campaign('no-variants', undefined);
    const hget = jest.spyOn(redis.client, 'hget');
    const hset = jest.spyOn(redis.client, 'hset');
    try {
      const fired = await emitter.forEvents(plain, 'c-plain', [purchase('c-plain', 1)], '{}', now);
      expect(fired.map((r) => [r.value!.variant, r.value!.webhookIds])).toEqual([[null, [offer.id]]]);
      expect([hget.mock.calls.length, hset.mock.calls.length]).toEqual([0, 0]);
      expect(await redis.client.exists(RedisKeys.variantAssignments('c-plain'))).toBe(0);
    } finally {
      hget.mockRestore();
      hset.mockRestore();
    }
  });

  describe('a control-group firing', () => {
    const heldOut = campaign('held-out-test', [{ id: 'a', weight: 50 }], { weight: 50 });
    const capped: Campaign = { ...heldOut, id: 'held-out-capped', caps: { oncePerCustomer: true } };
    const followUp = (rule: 'received' | 'not_received'): Campaign => ({ ...campaign(`follow-up-${rule}`, undefined), filters: { campaigns: [{ rule, campaignId: capped.id }] } });
    const inControl = (c: Campaign, prefix: string) => Array.from({ length: 100 }, (_, i) => `${prefix}-${i}`).find((id) => drawVariant(c, id) === CONTROL_GROUP)!;
    const emit = (c: Campaign, customerId: string, n: number, at = now) => emitter.forEvents(c, customerId, [purchase(customerId, n)], '{}', at);

    it('counts for its own campaign\'s caps, but is not "received" for rules of other campaigns', async () => {
      const customerId = inControl(capped, 'held');
      expect((await emit(capped, customerId, 1)).map((r) => r.value!.variant)).toEqual([CONTROL_GROUP]);
      expect(await emit(capped, customerId, 1)).toHaveLength(1); // its replay
      expect(await emit(capped, customerId, 2)).toEqual([]); // once per customer
      expect(await emit(followUp('received'), customerId, 3)).toEqual([]);
      expect(await emit(followUp('not_received'), customerId, 3)).toHaveLength(1);
    });

    it('is recorded once across replays when nothing reads the history (the replay check sees held-out firings)', async () => {
      const customerId = inControl(heldOut, 'held-replay');
      const [first] = await emit(heldOut, customerId, 1);
      // Replayed later: a replay not recognised would be recorded again at its own time.
      for (let i = 1; i <= 2; i++) expect((await emit(heldOut, customerId, 1, now + i * 60_000)).map((r) => r.value!.triggerId)).toEqual([first.value!.triggerId]);
      expect(await redis.client.zrange(RedisKeys.campaignHistory(customerId), 0, -1, 'WITHSCORES')).toEqual([`${heldOut.id}\u0000${first.value!.triggerId}\u0000control`, String(now)]);
    });
  });

  describe('two variants and a 10 % control group', () => {
    const test = campaign(
      'offer-test',
      [
        { id: 'a', weight: 45, variables: { subject: 'Ten percent off' } },
        { id: 'b', weight: 45, variables: { subject: 'Free shipping' } },
      ],
      { weight: 10 },
    );
    let triggers: CampaignTrigger[];
    let requests: WebhookRequest[];
    let history: HistoryDatabase;
    let records: HistoryRecordsRepository;

    beforeAll(async () => {
      triggers = await fire(test, 1);
      requests = await render(triggers);
      history = await HistoryDatabase.open(historyConfig);
      const partitions = new PartitionMaintenance(history, historyConfig);
      await partitions.run();
      records = new HistoryRecordsRepository(history, partitions, historyConfig);
      // What the history consumers write: every firing, and each rendered request's delivery result.
      await inChunks(triggers, async (t) => [await records.recordTrigger(t)], 50);
      await inChunks(requests, async (r) => [await records.recordAttempt(delivered(r, now))], 50);
    }, 120_000);

    afterAll(() => history?.onApplicationShutdown());

    it('puts about 10 % in the control group and sends them nothing', () => {
      const control = triggers.filter((t) => t.variant === CONTROL_GROUP);
      expect(Math.abs(control.length / CUSTOMERS - 0.1)).toBeLessThanOrEqual(TOLERANCE);
      for (const arm of ['a', 'b']) expect(Math.abs(shareOf(triggers, arm) - 0.45)).toBeLessThanOrEqual(TOLERANCE);
      expect(control.every((t) => t.webhookIds.length === 0)).toBe(true);
      const controlCustomers = new Set(control.map((t) => t.customerId));
      expect(requests.filter((r) => controlCustomers.has(r.customerId))).toEqual([]);
      expect(requests).toHaveLength(CUSTOMERS - control.length);
    });

    it("renders each variant's subject and carries the variant into the delivery", () => {
      const subjects = { a: 'Ten percent off', b: 'Free shipping' } as Record<string, string>;
      for (const r of requests) expect(JSON.parse(r.body.toString())).toEqual({ subject: subjects[r.variant!] });
    });

    it('shows per-variant counts and the control group in the figures and the delivery log', async () => {
      const count = (arm: string) => triggers.filter((t) => t.variant === arm).length;
      const ofVariant = (arm: string) => requests.filter((r) => r.variant === arm);
      // Opens for 100 of A's deliveries, clicks for 50 of B's: engagements are attributed to the delivery's variant.
      const engage = (r: WebhookRequest, type: string) => records.recordEngagement({ eventId: `${type}-${r.deliveryId}`, customerId: r.customerId, type, campaignId: r.campaignId, deliveryId: r.deliveryId, url: null, occurredAt: now });
      await Promise.all([...ofVariant('a').slice(0, 100).map((r) => engage(r, 'email_open')), ...ofVariant('b').slice(0, 50).map((r) => engage(r, 'email_click'))]);

      const figures = await new CampaignFiguresRepository(history).figures(test.id, campaignFiguresQuery.parse({ from: String(now - 3_600_000), to: String(now + 60_000), bucket: 'hour' }));
      expect(figures.totals.triggered).toBe(CUSTOMERS);
      expect(figures.variants).toEqual([
        { variant: 'a', totals: { triggered: count('a'), sent: count('a'), delivered: count('a'), failed: 0, opened: 100, clicked: 0 } },
        { variant: 'b', totals: { triggered: count('b'), sent: count('b'), delivered: count('b'), failed: 0, opened: 0, clicked: 50 } },
        { variant: CONTROL_GROUP, totals: { triggered: count(CONTROL_GROUP), sent: 0, delivered: 0, failed: 0, opened: 0, clicked: 0 } },
      ]);

      const deliveries = new DeliveryHistoryRepository(history);
      const summary = await deliveries.summary(deliverySummaryQuery.parse({ campaignId: test.id }));
      expect(summary.deliveries).toBe(requests.length);
      expect(summary.variants).toEqual({ a: { attempts: { DELIVERED: count('a') }, deliveries: count('a') }, b: { attempts: { DELIVERED: count('b') }, deliveries: count('b') } });
      const page = await deliveries.search(deliverySearchQuery.parse({ campaignId: test.id, variant: 'b', limit: '1000' }));
      expect(page.items).toHaveLength(Math.min(1000, count('b')));
      expect(page.items.every((i) => i.variant === 'b')).toBe(true);
    }, 60_000);
  });
});

/** The dispatcher's result of a request delivered at first try. */
function delivered(r: WebhookRequest, at: number): DeliveryResult {
  return {
    deliveryId: r.deliveryId, triggerId: r.triggerId, webhookId: r.webhookId, campaignId: r.campaignId, customerId: r.customerId, attempt: 1, outcome: 'DELIVERED', statusCode: 200,
    latencyMs: 5, error: null, responseExcerpt: null, attemptedAt: at, errorPath: null, requestMethod: r.method, requestUrl: r.url, requestHeaders: r.headers,
    requestBodyExcerpt: r.body.toString(), variant: r.variant, batchId: null,
  };
}
