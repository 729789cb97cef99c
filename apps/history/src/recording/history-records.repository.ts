import { Inject, Injectable } from '@nestjs/common';
import type { CampaignTrigger, DeliveryResult } from '@cuewire/contracts';
import { APP_CONFIG } from '@cuewire/platform';
import { HistoryDatabase, PgErrors, pgErrorCode } from '../database/history-database.js';
import { PartitionMaintenance } from '../database/partition.maintenance.js';
import { isExpired, type PartitionedTable } from '../database/partition-plan.js';
import type { HistoryEnv } from '../history.env.js';

/** An engagement (open, click, …) attributed to a campaign, as read from customer-events. */
export interface EngagementRecord {
  readonly eventId: string;
  readonly customerId: string;
  readonly type: string;
  readonly campaignId: string;
  readonly deliveryId: string | null;
  readonly url: string | null;
  readonly occurredAt: number;
}

/**
 * Writes what the history keeps, one small idempotent INSERT per record: the natural key
 * (with the partition's time column) plus ON CONFLICT DO NOTHING, so a record consumed
 * twice (a replayed batch) leaves one row. A record past retention is not written.
 */
@Injectable()
export class HistoryRecordsRepository {
  constructor(
    private readonly db: HistoryDatabase,
    private readonly partitions: PartitionMaintenance,
    @Inject(APP_CONFIG) private readonly config: HistoryEnv,
  ) {}

  async recordAttempt(r: DeliveryResult): Promise<void> {
    await this.insert(
      'delivery_attempts',
      r.attemptedAt,
      `INSERT INTO delivery_attempts (delivery_id, trigger_id, webhook_id, campaign_id, customer_id, attempt, outcome, status_code, latency_ms, error, error_path,
         response_excerpt, request_method, request_url, request_headers, request_body_excerpt, attempted_at, variant, batch_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, to_timestamp($17::bigint / 1000.0), $18, $19)
       ON CONFLICT DO NOTHING`,
      [
        r.deliveryId,
        r.triggerId,
        r.webhookId,
        r.campaignId,
        r.customerId,
        r.attempt,
        r.outcome,
        r.statusCode,
        r.latencyMs,
        r.error,
        r.errorPath,
        r.responseExcerpt,
        r.requestMethod,
        r.requestUrl,
        r.requestHeaders ? JSON.stringify(r.requestHeaders) : null,
        r.requestBodyExcerpt,
        r.attemptedAt,
        r.variant,
        r.batchId,
      ],
    );
    // Opens and clicks of this delivery that arrived before its result (they come through another
    // consumer group) were recorded without a webhook: attribute them now. Engagements come after
    // their delivery's attempt, so only the partitions from an hour before it are searched.
    await this.db.pool.query(
      `UPDATE engagements SET webhook_id = $2, variant = $3
        WHERE delivery_id = $1 AND webhook_id IS NULL AND occurred_at >= to_timestamp($4::bigint / 1000.0) - interval '1 hour'`,
      [r.deliveryId, r.webhookId, r.variant, r.attemptedAt],
    );
  }

  async recordTrigger(t: CampaignTrigger): Promise<void> {
    await this.insert(
      'campaign_triggers',
      t.firedAt,
      `INSERT INTO campaign_triggers (trigger_id, campaign_id, campaign_version, customer_id, webhook_ids, fired_at, variant)
       VALUES ($1, $2, $3, $4, $5, to_timestamp($6::bigint / 1000.0), $7) ON CONFLICT DO NOTHING`,
      [t.triggerId, t.campaignId, t.campaignVersion, t.customerId, t.webhookIds, t.firedAt, t.variant],
    );
  }

  /** The webhook and variant are looked up from the delivery's attempts (an engagement names the delivery, not them). */
  async recordEngagement(e: EngagementRecord): Promise<void> {
    await this.insert(
      'engagements',
      e.occurredAt,
      `INSERT INTO engagements (event_id, customer_id, type, campaign_id, delivery_id, webhook_id, variant, url, occurred_at)
       SELECT $1, $2, $3, $4, $5::text, a.webhook_id, a.variant, $6, to_timestamp($7::bigint / 1000.0)
         FROM (SELECT NULL) AS one LEFT JOIN LATERAL (SELECT webhook_id, variant FROM delivery_attempts WHERE delivery_id = $5::text LIMIT 1) AS a ON true
       ON CONFLICT DO NOTHING`,
      [e.eventId, e.customerId, e.type, e.campaignId, e.deliveryId, e.url, e.occurredAt],
    );
  }

  private async insert(table: PartitionedTable, at: number, sql: string, values: unknown[]): Promise<void> {
    if (isExpired(at, Date.now(), this.config.HISTORY_RETENTION_DAYS)) return;
    try {
      await this.db.pool.query(sql, values);
    } catch (error) {
      // A day outside the partitions made ahead (a late or far-future record): make it, once.
      if (pgErrorCode(error) !== PgErrors.noPartitionForRow) throw error;
      await this.partitions.ensureDay(table, at);
      await this.db.pool.query(sql, values);
    }
  }
}
