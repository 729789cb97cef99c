import type { CampaignTrigger, DeliveryResult } from '@cuewire/contracts';
import { isolatedDatabase } from '@cuewire/testing';
import { HistoryDatabase } from '../../apps/history/src/database/history-database.js';
import { PartitionMaintenance } from '../../apps/history/src/database/partition.maintenance.js';
import { DeliveryHistoryRepository } from '../../apps/history/src/deliveries/delivery-history.repository.js';
import { deliverySearchQuery } from '../../apps/history/src/deliveries/delivery-history.schemas.js';
import { CampaignFiguresRepository } from '../../apps/history/src/figures/campaign-figures.repository.js';
import { campaignFiguresQuery } from '../../apps/history/src/figures/campaign-figures.schemas.js';
import type { HistoryEnv } from '../../apps/history/src/history.env.js';
import { HistoryRecordsRepository } from '../../apps/history/src/recording/history-records.repository.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The history service's storage against the real PostgreSQL, in a database of this run's own. */
describe('delivery history in PostgreSQL', () => {
  const database = isolatedDatabase('history_int');
  const config = { DATABASE_URL: database.url, DATABASE_POOL_SIZE: 4, HISTORY_RETENTION_DAYS: 7, HISTORY_PARTITIONS_AHEAD_DAYS: 2, HISTORY_MAINTENANCE_INTERVAL_MS: 3_600_000 } satisfies HistoryEnv;
  let db: HistoryDatabase;
  let partitions: PartitionMaintenance;
  let records: HistoryRecordsRepository;
  let history: DeliveryHistoryRepository;
  const now = Date.now();

  const result = (overrides: Partial<DeliveryResult>): DeliveryResult => ({
    deliveryId: 'msg_1',
    triggerId: 'trg_1',
    webhookId: 'wh-mail',
    campaignId: 'camp-a',
    customerId: 'c-1',
    attempt: 1,
    outcome: 'DELIVERED',
    statusCode: 200,
    latencyMs: 12,
    error: null,
    responseExcerpt: 'ok',
    attemptedAt: now - HOUR,
    errorPath: null,
    requestMethod: 'POST',
    requestUrl: 'https://example.test/hook',
    requestHeaders: { 'content-type': 'application/json' },
    requestBodyExcerpt: '{"hello":"world"}',
    variant: null,
    batchId: null,
    ...overrides,
  });
  const count = async (table: string) => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const search = (query: Record<string, string>) => history.search(deliverySearchQuery.parse(query));

  beforeAll(async () => {
    db = await HistoryDatabase.open(config);
    partitions = new PartitionMaintenance(db, config);
    await partitions.run();
    records = new HistoryRecordsRepository(db, partitions, config);
    history = new DeliveryHistoryRepository(db);
  });

  afterAll(async () => {
    await db?.onApplicationShutdown();
    await database.drop();
  });

  it('creates its database and migrates it once, however often it opens', async () => {
    const again = await HistoryDatabase.open(config);
    await again.onApplicationShutdown();
    const { rows } = await db.pool.query<{ name: string }>('SELECT name FROM history_migrations');
    expect(rows.map((r) => r.name)).toEqual(['0001_history-tables', '0002_variants', '0003_delivery-batch-ids', '0004_unattributed-engagements']);
  });

  it('keeps one row for a result consumed twice', async () => {
    const once = result({ deliveryId: 'msg_twice' });
    await records.recordAttempt(once);
    await records.recordAttempt({ ...once });
    expect((await search({ campaignId: 'camp-a' })).items.filter((i) => i.deliveryId === 'msg_twice')).toHaveLength(1);
    const trigger: CampaignTrigger = { triggerId: 'trg_twice', campaignId: 'camp-a', campaignVersion: 1, campaignName: 'A', customerId: 'c-1', webhookIds: ['wh-mail'], events: [], profile: '{}', firedAt: now - HOUR, variant: null, variantName: null, variantVariables: null };
    await records.recordTrigger(trigger);
    await records.recordTrigger(trigger);
    expect(await count(`campaign_triggers WHERE trigger_id = 'trg_twice'`)).toBe(1);
  });

  it('keeps the batch that carried each item, and each item’s A/B variant, and finds a batch’s items by its id', async () => {
    for (const [deliveryId, variant] of [['msg_b1', 'a'], ['msg_b2', 'b']]) await records.recordAttempt(result({ deliveryId, campaignId: 'camp-b', batchId: 'bat_1', variant }));
    await records.recordAttempt(result({ deliveryId: 'msg_alone', campaignId: 'camp-b' }));
    expect((await search({ batchId: 'bat_1' })).items.map((i) => [i.deliveryId, i.batchId, i.variant]).sort()).toEqual([
      ['msg_b1', 'bat_1', 'a'],
      ['msg_b2', 'bat_1', 'b'],
    ]);
    expect((await search({ batchId: 'bat_1', variant: 'b' })).items.map((i) => i.deliveryId)).toEqual(['msg_b2']);
    expect((await search({ campaignId: 'camp-b' })).items.find((i) => i.deliveryId === 'msg_alone')?.batchId).toBeNull();
    expect((await history.detail('msg_b1'))?.attempts[0].batchId).toBe('bat_1');
  });

  describe('search', () => {
    beforeAll(async () => {
      const at = now - 3 * HOUR;
      const rows: Array<Partial<DeliveryResult>> = [
        { deliveryId: 'msg_s1', campaignId: 'camp-s', customerId: 'c-ann', outcome: 'DELIVERED', attemptedAt: at },
        { deliveryId: 'msg_s2', campaignId: 'camp-s', customerId: 'c-bob', outcome: 'RETRY_SCHEDULED', statusCode: 500, attemptedAt: at + 1_000 },
        { deliveryId: 'msg_s2', campaignId: 'camp-s', customerId: 'c-bob', outcome: 'DEAD', statusCode: 500, attempt: 2, attemptedAt: at + 2_000 },
        { deliveryId: 'msg_s3', campaignId: 'camp-s', customerId: 'c-ann', webhookId: 'wh-sms', outcome: 'RENDER_FAILED', attempt: 0, statusCode: null, error: 'body: the value is missing', errorPath: 'body', requestMethod: null, requestUrl: null, requestHeaders: null, requestBodyExcerpt: null, attemptedAt: at + 3_000 },
        { deliveryId: 'msg_s4', campaignId: 'camp-s', customerId: 'c-cy', outcome: 'DELIVERED', attemptedAt: at - 2 * DAY },
      ];
      for (const r of rows) await records.recordAttempt(result(r));
    });

    it('filters by campaign, outcome(s), customer, webhook and time, newest first', async () => {
      const all = await search({ campaignId: 'camp-s' });
      expect(all.items.map((i) => [i.deliveryId, i.outcome])).toEqual([
        ['msg_s3', 'RENDER_FAILED'],
        ['msg_s2', 'DEAD'],
        ['msg_s2', 'RETRY_SCHEDULED'],
        ['msg_s1', 'DELIVERED'],
        ['msg_s4', 'DELIVERED'],
      ]);
      expect((await search({ campaignId: 'camp-s', outcome: 'DEAD,RENDER_FAILED' })).items.map((i) => i.deliveryId)).toEqual(['msg_s3', 'msg_s2']);
      expect((await search({ campaignId: 'camp-s', outcome: 'DELIVERED', from: String(now - DAY) })).items.map((i) => i.deliveryId)).toEqual(['msg_s1']);
      expect((await search({ customerId: 'c-ann' })).items.map((i) => i.deliveryId)).toEqual(['msg_s3', 'msg_s1']);
      expect((await search({ campaignId: 'camp-s', webhookId: 'wh-sms' })).items).toMatchObject([{ outcome: 'RENDER_FAILED', attempt: 0, errorPath: 'body', error: 'body: the value is missing', statusCode: null }]);
      expect((await search({ campaignId: 'camp-s', to: new Date(now - DAY).toISOString() })).items.map((i) => i.deliveryId)).toEqual(['msg_s4']);
    });

    it('pages with a cursor through every match exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof search>> = await search({ campaignId: 'camp-s', limit: '2', ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => `${i.deliveryId}/${i.outcome}`));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual((await search({ campaignId: 'camp-s' })).items.map((i) => `${i.deliveryId}/${i.outcome}`));
    });

    it('names the bad parameter of a query', () => {
      const bad = deliverySearchQuery.safeParse({ outcome: 'DEAD,LOST', limit: '0', from: 'yesterday' });
      expect(bad.success).toBe(false);
      expect(bad.error!.issues.map((i) => i.path[0]).sort()).toEqual(['from', 'limit', 'outcome']);
    });

    it('shows one delivery with its attempts, oldest first, with the request as sent', async () => {
      const detail = await history.detail('msg_s2');
      expect(detail).toMatchObject({ deliveryId: 'msg_s2', campaignId: 'camp-s', customerId: 'c-bob', outcome: 'DEAD' });
      expect(detail!.attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'RETRY_SCHEDULED'], [2, 'DEAD']]);
      expect(detail!.attempts[0].request).toEqual({ method: 'POST', url: 'https://example.test/hook', headers: { 'content-type': 'application/json' }, bodyExcerpt: '{"hello":"world"}' });
      expect((await history.detail('msg_s3'))!.attempts[0].request).toBeNull();
      expect(await history.detail('msg_unknown')).toBeNull();
    });

    it('sums attempts per outcome and distinct deliveries', async () => {
      expect(await history.summary({ campaignId: 'camp-s', from: now - DAY })).toEqual({ attempts: { DELIVERED: 1, RETRY_SCHEDULED: 1, DEAD: 1, RENDER_FAILED: 1 }, deliveries: 3, variants: {} });
    });
  });

  it('counts a campaign per bucket and per webhook: triggered, sent, delivered, failed, opened, clicked', async () => {
    const day = Math.floor(now / DAY) * DAY;
    const h = (n: number) => day - DAY + n * HOUR;
    const trigger = (id: string, at: number): CampaignTrigger => ({ triggerId: id, campaignId: 'camp-f', campaignVersion: 1, campaignName: 'F', customerId: `c-${id}`, webhookIds: ['wh-mail', 'wh-sms'], events: [], profile: '{}', firedAt: at, variant: null, variantName: null, variantVariables: null });
    for (const [id, at] of [['t1', h(1)], ['t2', h(1)], ['t3', h(5)]] as const) await records.recordTrigger(trigger(id, at));
    const attempt = (deliveryId: string, webhookId: string, outcome: DeliveryResult['outcome'], at: number) => records.recordAttempt(result({ deliveryId, webhookId, outcome, campaignId: 'camp-f', attemptedAt: at }));
    await attempt('m1', 'wh-mail', 'DELIVERED', h(1));
    await attempt('m2', 'wh-mail', 'RETRY_SCHEDULED', h(1));
    await attempt('m2', 'wh-mail', 'DELIVERED', h(2));
    await attempt('s1', 'wh-sms', 'RENDER_FAILED', h(1));
    await attempt('m3', 'wh-mail', 'DEAD', h(5));
    const engage = (eventId: string, type: string, deliveryId: string | null, at: number) =>
      records.recordEngagement({ eventId, customerId: 'c-x', type, campaignId: 'camp-f', deliveryId, url: null, occurredAt: at });
    await engage('e1', 'email_open', 'm1', h(2));
    await engage('e2', 'email_open', 'm1', h(3)); // a second open of the same mail
    await engage('e3', 'email_click', 'm1', h(3));
    await engage('e4', 'email_open', null, h(3)); // names no delivery: campaign only

    const figures = await new CampaignFiguresRepository(db).figures('camp-f', campaignFiguresQuery.parse({ from: String(day - DAY), to: String(day - 1), bucket: 'hour' }));
    expect(figures.series).toHaveLength(24);
    expect(figures.totals).toEqual({ triggered: 3, sent: 3, delivered: 2, failed: 2, opened: 2, clicked: 1 });
    const at = (n: number) => figures.series.find((s) => s.start === h(n));
    expect(at(1)).toEqual({ start: h(1), triggered: 2, sent: 2, delivered: 1, failed: 1, opened: 0, clicked: 0 });
    expect(at(3)).toEqual({ start: h(3), triggered: 0, sent: 0, delivered: 0, failed: 0, opened: 2, clicked: 1 });
    expect(at(4)).toEqual({ start: h(4), triggered: 0, sent: 0, delivered: 0, failed: 0, opened: 0, clicked: 0 });
    expect(figures.webhooks.map((w) => [w.webhookId, w.totals])).toEqual([
      ['wh-mail', { sent: 3, delivered: 2, failed: 1, opened: 1, clicked: 1 }],
      ['wh-sms', { sent: 0, delivered: 0, failed: 1, opened: 0, clicked: 0 }],
    ]);
  });

  it('attributes an open that arrived before its delivery’s result to the webhook once the result is recorded', async () => {
    const at = now - HOUR;
    // The open comes through the engagements' consumer group first: no attempt to name its webhook yet.
    await records.recordEngagement({ eventId: 'e-early', customerId: 'c-early', type: 'email_open', campaignId: 'camp-early', deliveryId: 'm-early', url: null, occurredAt: at + 1_000 });
    await records.recordAttempt(result({ deliveryId: 'm-early', webhookId: 'wh-early', outcome: 'DELIVERED', campaignId: 'camp-early', attemptedAt: at }));
    const figures = await new CampaignFiguresRepository(db).figures('camp-early', campaignFiguresQuery.parse({ from: String(at - HOUR), to: String(now), bucket: 'hour' }));
    expect(figures.webhooks.map((w) => [w.webhookId, w.totals.opened])).toEqual([['wh-early', 1]]);
  });

  describe('retention', () => {
    it('drops whole day partitions past HISTORY_RETENTION_DAYS and keeps the rest', async () => {
      const old = now - 6 * DAY;
      await records.recordAttempt(result({ deliveryId: 'msg_old', attemptedAt: old }));
      expect(await history.detail('msg_old')).not.toBeNull();
      // Eight days later the old day is past the 7-day window; today's rows are not.
      const dropped = await partitions.run(now + 2 * DAY);
      const oldDay = new Date(Math.floor(old / DAY) * DAY).toISOString().slice(0, 10).replaceAll('-', '');
      expect(dropped).toContain(`delivery_attempts_p${oldDay}`);
      const today = new Date(now).toISOString().slice(0, 10).replaceAll('-', '');
      expect(dropped).not.toContain(`delivery_attempts_p${today}`);
      expect(await history.detail('msg_old')).toBeNull();
      expect(await history.detail('msg_s1')).not.toBeNull();
    });

    it('does not write what is already past retention, and makes a missing day partition on write', async () => {
      await records.recordAttempt(result({ deliveryId: 'msg_ancient', attemptedAt: now - 30 * DAY }));
      expect(await history.detail('msg_ancient')).toBeNull();
      await records.recordAttempt(result({ deliveryId: 'msg_future', attemptedAt: now + 10 * DAY }));
      expect(await history.detail('msg_future')).not.toBeNull();
    });
  });
});
