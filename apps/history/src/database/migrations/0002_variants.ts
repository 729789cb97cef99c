import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * The A/B test arm of each firing, attempt and engagement (null when the campaign has no
 * variants; "control" for control-group firings, which have no attempts). Added to the
 * partitioned parents, so every partition has it. The indexes serve the per-variant figures
 * and the delivery log's variant filter within one campaign.
 */
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE delivery_attempts ADD COLUMN variant text;
    ALTER TABLE campaign_triggers ADD COLUMN variant text;
    ALTER TABLE engagements ADD COLUMN variant text;
    CREATE INDEX delivery_attempts_by_campaign_variant ON delivery_attempts (campaign_id, variant, attempted_at DESC, seq DESC) WHERE variant IS NOT NULL;
    CREATE INDEX campaign_triggers_by_campaign_variant ON campaign_triggers (campaign_id, variant, fired_at) WHERE variant IS NOT NULL;
  `);
}
