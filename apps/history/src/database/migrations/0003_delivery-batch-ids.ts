import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * The batch that carried an attempt (batched webhooks, ADR 0023): null for a request of its own.
 * Adding a nullable column without a default changes only the catalog, so it is instant on the
 * partitioned table and its partitions. Indexed for "every item of this batch".
 */
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE delivery_attempts ADD COLUMN batch_id text;
    CREATE INDEX delivery_attempts_by_batch ON delivery_attempts (batch_id) WHERE batch_id IS NOT NULL;
  `);
}
