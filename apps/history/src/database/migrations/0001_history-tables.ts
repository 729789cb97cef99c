import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Delivery attempts, campaign triggers and engagements, each range-partitioned by day on its
 * time column so retention drops whole partitions (the service creates them ahead). Unique
 * natural keys make every write idempotent (ON CONFLICT DO NOTHING); on a partitioned table a
 * unique key must hold the partition column, and the time is part of each record, so it does.
 */
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE delivery_attempts (
      seq bigserial NOT NULL,
      delivery_id text NOT NULL,
      trigger_id text NOT NULL,
      webhook_id text NOT NULL,
      campaign_id text NOT NULL,
      customer_id text NOT NULL,
      attempt integer NOT NULL,
      outcome text NOT NULL,
      status_code integer,
      latency_ms integer NOT NULL,
      error text,
      error_path text,
      response_excerpt text,
      request_method text,
      request_url text,
      request_headers jsonb,
      request_body_excerpt text,
      attempted_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT delivery_attempts_natural_key UNIQUE (delivery_id, attempt, outcome, attempted_at)
    ) PARTITION BY RANGE (attempted_at);
    CREATE INDEX delivery_attempts_by_campaign ON delivery_attempts (campaign_id, attempted_at DESC, seq DESC) INCLUDE (webhook_id, outcome, delivery_id);
    CREATE INDEX delivery_attempts_by_campaign_outcome ON delivery_attempts (campaign_id, outcome, attempted_at DESC, seq DESC);
    CREATE INDEX delivery_attempts_by_customer ON delivery_attempts (customer_id, attempted_at DESC, seq DESC);
    CREATE INDEX delivery_attempts_by_webhook ON delivery_attempts (webhook_id, attempted_at DESC, seq DESC);
    CREATE INDEX delivery_attempts_by_time ON delivery_attempts (attempted_at DESC, seq DESC);

    CREATE TABLE campaign_triggers (
      trigger_id text NOT NULL,
      campaign_id text NOT NULL,
      campaign_version integer NOT NULL,
      customer_id text NOT NULL,
      webhook_ids text[] NOT NULL,
      fired_at timestamptz NOT NULL,
      CONSTRAINT campaign_triggers_natural_key UNIQUE (trigger_id, fired_at)
    ) PARTITION BY RANGE (fired_at);
    CREATE INDEX campaign_triggers_by_campaign ON campaign_triggers (campaign_id, fired_at);

    CREATE TABLE engagements (
      event_id text NOT NULL,
      customer_id text NOT NULL,
      type text NOT NULL,
      campaign_id text NOT NULL,
      delivery_id text,
      webhook_id text,
      url text,
      occurred_at timestamptz NOT NULL,
      CONSTRAINT engagements_natural_key UNIQUE (event_id, occurred_at)
    ) PARTITION BY RANGE (occurred_at);
    CREATE INDEX engagements_by_campaign ON engagements (campaign_id, type, occurred_at);
  `);
}
