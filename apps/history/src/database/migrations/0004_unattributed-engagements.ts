import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Engagements whose delivery was not yet recorded when they arrived (an open can overtake its
 * delivery's result: the two come through different consumer groups) have no webhook; the
 * delivery's attempt, once recorded, fills it in. Indexed by delivery for that, and only while
 * unattributed, so the index stays small.
 */
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`CREATE INDEX engagements_unattributed ON engagements (delivery_id) WHERE webhook_id IS NULL AND delivery_id IS NOT NULL;`);
}
