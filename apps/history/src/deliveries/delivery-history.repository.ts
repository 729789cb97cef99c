import { Injectable } from '@nestjs/common';
import { HistoryDatabase } from '../database/history-database.js';
import type { DeliveryAttemptView, DeliveryDetail, DeliverySearchQuery, DeliverySummary, DeliverySummaryQuery, OUTCOMES } from './delivery-history.schemas.js';

interface AttemptRow {
  seq: string;
  delivery_id: string;
  trigger_id: string;
  webhook_id: string;
  campaign_id: string;
  customer_id: string;
  attempt: number;
  outcome: (typeof OUTCOMES)[number];
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  error_path: string | null;
  response_excerpt: string | null;
  request_method: string | null;
  request_url: string | null;
  request_headers: Record<string, string> | null;
  request_body_excerpt: string | null;
  variant: string | null;
  batch_id: string | null;
  attempted_ms: string;
}

const COLUMNS = `seq, delivery_id, trigger_id, webhook_id, campaign_id, customer_id, attempt, outcome, status_code, latency_ms, error, error_path,
  response_excerpt, request_method, request_url, request_headers, request_body_excerpt, variant, batch_id, (extract(epoch FROM attempted_at) * 1000)::bigint AS attempted_ms`;

/** Where the next page starts: the last row's time and sequence (the sort key), opaque to clients. */
export function encodeCursor(attemptedAt: number, seq: string): string {
  return Buffer.from(`${attemptedAt}.${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): { attemptedAt: number; seq: string } | null {
  const match = /^(\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { attemptedAt: Number(match[1]), seq: match[2] } : null;
}

/** Builds a WHERE clause from the filters that are set, with numbered parameters. */
class Conditions {
  readonly clauses: string[] = [];
  readonly values: unknown[] = [];

  add(sql: (...params: string[]) => string, ...values: unknown[]): this {
    const params = values.map((v) => `$${this.values.push(v)}`);
    this.clauses.push(sql(...params));
    return this;
  }

  filters(q: DeliverySummaryQuery): this {
    if (q.campaignId) this.add((p) => `campaign_id = ${p}`, q.campaignId);
    if (q.webhookId) this.add((p) => `webhook_id = ${p}`, q.webhookId);
    if (q.customerId) this.add((p) => `customer_id = ${p}`, q.customerId);
    if (q.variant) this.add((p) => `variant = ${p}`, q.variant);
    if (q.batchId) this.add((p) => `batch_id = ${p}`, q.batchId);
    if (q.from !== undefined) this.add((p) => `attempted_at >= to_timestamp(${p}::bigint / 1000.0)`, q.from);
    this.add((p) => `attempted_at <= to_timestamp(${p}::bigint / 1000.0)`, q.to ?? Date.now());
    return this;
  }

  get where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** Reads of the delivery history: filtered pages (newest first, keyset cursor), one delivery's attempts, counts. */
@Injectable()
export class DeliveryHistoryRepository {
  constructor(private readonly db: HistoryDatabase) {}

  async search(q: DeliverySearchQuery): Promise<{ items: DeliveryAttemptView[]; nextCursor: string | null }> {
    const where = new Conditions().filters(q);
    if (q.outcome) where.add((p) => `outcome = ANY(${p}::text[])`, q.outcome);
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (after) where.add((at, seq) => `(attempted_at, seq) < (to_timestamp(${at}::bigint / 1000.0), ${seq}::bigint)`, after.attemptedAt, after.seq);
    const { rows } = await this.db.pool.query<AttemptRow>(
      `SELECT ${COLUMNS} FROM delivery_attempts ${where.where} ORDER BY attempted_at DESC, seq DESC LIMIT ${q.limit + 1}`,
      where.values,
    );
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { items: page.map(attemptView), nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.attempted_ms), last.seq) : null };
  }

  async detail(deliveryId: string): Promise<DeliveryDetail | null> {
    const { rows } = await this.db.pool.query<AttemptRow>(`SELECT ${COLUMNS} FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempted_at, seq`, [deliveryId]);
    const last = rows.at(-1);
    if (!last) return null;
    return {
      deliveryId,
      triggerId: last.trigger_id,
      webhookId: last.webhook_id,
      campaignId: last.campaign_id,
      customerId: last.customer_id,
      variant: last.variant,
      outcome: last.outcome,
      attempts: rows.map((r) => ({
        ...attemptView(r),
        request: r.request_method && r.request_url ? { method: r.request_method, url: r.request_url, headers: r.request_headers ?? {}, bodyExcerpt: r.request_body_excerpt } : null,
      })),
    };
  }

  /** Counts per outcome, overall and per variant, in one scan (grouping sets). */
  async summary(q: DeliverySummaryQuery): Promise<DeliverySummary> {
    const where = new Conditions().filters(q);
    const { rows } = await this.db.pool.query<{ outcome: string | null; variant: string | null; by_variant: number; attempts: string; deliveries: string }>(
      `SELECT outcome, variant, 1 - GROUPING(variant) AS by_variant, count(*) AS attempts, count(DISTINCT delivery_id) AS deliveries FROM delivery_attempts ${where.where}
        GROUP BY GROUPING SETS ((outcome), (), (variant, outcome), (variant))`,
      where.values,
    );
    const total: DeliverySummary = { attempts: {}, deliveries: 0, variants: {} };
    for (const r of rows) {
      if (Number(r.by_variant) === 1 && r.variant === null) continue;
      const counts = Number(r.by_variant) === 1 ? (total.variants[r.variant!] ??= { attempts: {}, deliveries: 0 }) : total;
      if (r.outcome === null) counts.deliveries = Number(r.deliveries);
      else counts.attempts[r.outcome as (typeof OUTCOMES)[number]] = Number(r.attempts);
    }
    return total;
  }
}

function attemptView(r: AttemptRow): DeliveryAttemptView {
  return {
    deliveryId: r.delivery_id,
    triggerId: r.trigger_id,
    webhookId: r.webhook_id,
    campaignId: r.campaign_id,
    customerId: r.customer_id,
    attempt: r.attempt,
    outcome: r.outcome,
    attemptedAt: Number(r.attempted_ms),
    statusCode: r.status_code,
    latencyMs: r.latency_ms,
    error: r.error,
    errorPath: r.error_path,
    responseExcerpt: r.response_excerpt,
    variant: r.variant,
    batchId: r.batch_id,
  };
}
