import { Injectable } from '@nestjs/common';
import { HistoryDatabase } from '../database/history-database.js';
import type { CampaignFigures, CampaignFiguresQuery, CampaignFiguresReport } from './campaign-figures.schemas.js';
import { assembleFigures, bucketStarts, type FigureRow } from './figure-series.js';

/** Grouping sets: per webhook and bucket, per bucket, per webhook, and the whole range, in one scan. */
const GROUPINGS = 'GROUPING SETS ((webhook_id, start), (start), (webhook_id), ())';
const bucketOf = (column: string) => `(extract(epoch FROM date_trunc($4, ${column}, 'UTC')) * 1000)::bigint`;
const inRange = (column: string) => `campaign_id = $1 AND ${column} >= to_timestamp($2::bigint / 1000.0) AND ${column} <= to_timestamp($3::bigint / 1000.0)`;

const DELIVERY_COUNTS = `count(DISTINCT delivery_id) FILTER (WHERE outcome IN ('DELIVERED', 'RETRY_SCHEDULED', 'FAILED', 'DEAD')) AS sent,
  count(DISTINCT delivery_id) FILTER (WHERE outcome = 'DELIVERED') AS delivered,
  count(DISTINCT delivery_id) FILTER (WHERE outcome IN ('DEAD', 'FAILED', 'RENDER_FAILED')) AS failed`;
const ENGAGEMENT_COUNTS = `count(DISTINCT coalesce(delivery_id, 'customer:' || customer_id)) FILTER (WHERE type IN ('email_open', 'push_view')) AS opened,
  count(DISTINCT coalesce(delivery_id, 'customer:' || customer_id)) FILTER (WHERE type IN ('email_click', 'sms_click', 'push_click')) AS clicked`;

/** Per variant: its id and the counts one query gives. */
type VariantRow = { variant: string } & Record<string, string>;

/** `grouping` is 0 in per-webhook rows, 1 in campaign rows (GROUPING(webhook_id)). */
type CountRow = { webhook_id: string | null; grouping: number; start: string | null } & Record<string, string | number | null>;

/** Campaign figures over time from the history tables (triggers, delivery attempts, engagements). */
@Injectable()
export class CampaignFiguresRepository {
  constructor(private readonly db: HistoryDatabase) {}

  async figures(campaignId: string, q: CampaignFiguresQuery): Promise<CampaignFiguresReport> {
    const starts = bucketStarts(q.from, q.to, q.bucket);
    const from = starts[0] ?? q.from;
    const params = [campaignId, from, q.to, q.bucket];
    const [variants, triggers, attempts, engagements] = await Promise.all([
      this.variantTotals(params.slice(0, 3)),
      this.db.pool.query<CountRow>(
        `SELECT NULL::text AS webhook_id, 1 AS grouping, ${bucketOf('fired_at')} AS start, count(*) AS triggered FROM campaign_triggers
          WHERE ${inRange('fired_at')} GROUP BY GROUPING SETS ((start), ())`,
        params,
      ),
      this.db.pool.query<CountRow>(
        `SELECT webhook_id, GROUPING(webhook_id) AS grouping, ${bucketOf('attempted_at')} AS start, ${DELIVERY_COUNTS}
           FROM delivery_attempts WHERE ${inRange('attempted_at')} GROUP BY ${GROUPINGS}`,
        params,
      ),
      this.db.pool.query<CountRow>(
        `SELECT webhook_id, GROUPING(webhook_id) AS grouping, ${bucketOf('occurred_at')} AS start, ${ENGAGEMENT_COUNTS}
           FROM engagements WHERE ${inRange('occurred_at')} GROUP BY ${GROUPINGS}`,
        params,
      ),
    ]);
    const rows: FigureRow[] = [...triggers.rows, ...attempts.rows, ...engagements.rows]
      // The per-webhook grouping sets also yield rows whose webhook_id is NULL (engagements of unknown deliveries): those belong to the campaign rows only.
      .filter((r) => !(Number(r.grouping) === 0 && r.webhook_id === null))
      .map(({ webhook_id, grouping, start, ...counts }) => ({
        webhookId: Number(grouping) === 0 ? webhook_id : null,
        start: start === null ? null : Number(start),
        figures: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
      }));
    return { campaignId, from, to: q.to, bucket: q.bucket, ...assembleFigures(starts, rows), variants };
  }

  /** Totals per variant over the range (firings of campaigns without variants have none and are left out). */
  private async variantTotals(params: unknown[]): Promise<CampaignFiguresReport['variants']> {
    const [triggers, attempts, engagements] = await Promise.all([
      this.db.pool.query<VariantRow>(`SELECT variant, count(*) AS triggered FROM campaign_triggers WHERE ${inRange('fired_at')} AND variant IS NOT NULL GROUP BY variant`, params),
      this.db.pool.query<VariantRow>(
        `SELECT variant, ${DELIVERY_COUNTS} FROM delivery_attempts WHERE ${inRange('attempted_at')} AND variant IS NOT NULL GROUP BY variant`,
        params,
      ),
      this.db.pool.query<VariantRow>(
        `SELECT variant, ${ENGAGEMENT_COUNTS} FROM engagements WHERE ${inRange('occurred_at')} AND variant IS NOT NULL GROUP BY variant`,
        params,
      ),
    ]);
    const byVariant = new Map<string, CampaignFigures>();
    for (const { variant, ...counts } of [...triggers.rows, ...attempts.rows, ...engagements.rows]) {
      const totals = byVariant.get(variant) ?? { triggered: 0, sent: 0, delivered: 0, failed: 0, opened: 0, clicked: 0 };
      for (const [k, v] of Object.entries(counts)) totals[k as keyof CampaignFigures] = Number(v);
      byVariant.set(variant, totals);
    }
    return [...byVariant.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([variant, totals]) => ({ variant, totals }));
  }
}
