import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG } from '@cuewire/platform';
import type { HistoryEnv } from '../history.env.js';
import { HistoryDatabase, PgErrors, pgErrorCode } from './history-database.js';
import { dayPartition, expiredPartitions, PARTITIONED_TABLES, wantedPartitions, type DayPartition, type PartitionedTable } from './partition-plan.js';

/** Whether a day-partition table is attached, and a detach that a crash interrupted. */
interface PartitionState {
  readonly attached: boolean;
  readonly pending: boolean | null;
}

/** Partitions of expired days that could not be dropped at once (a lock held by a long query) wait for the next round. */
const DROP_LOCK_TIMEOUT = '2s';

/**
 * Keeps the day partitions: creates the retention window and the days ahead (at start and
 * every HISTORY_MAINTENANCE_INTERVAL_MS), and drops the days past HISTORY_RETENTION_DAYS
 * whole — detached CONCURRENTLY first (no lock that blocks reads or writes on the table),
 * then dropped, so retention never deletes row by row nor holds a long lock.
 */
@Injectable()
export class PartitionMaintenance implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PartitionMaintenance');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: HistoryDatabase,
    @Inject(APP_CONFIG) private readonly config: HistoryEnv,
  ) {}

  /** Before the consumers start (they start at application bootstrap), so their first writes find their partitions. */
  async onModuleInit(): Promise<void> {
    await this.run();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.run()
        .then(() => undefined, (error: Error) => this.logger.warn({ msg: 'partition maintenance failed', err: error.message }))
        .finally(() => (this.running = undefined));
    }, this.config.HISTORY_MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round: create what is missing, drop what expired. Returns the dropped partitions' names. */
  async run(now = Date.now()): Promise<string[]> {
    const dropped: string[] = [];
    for (const table of PARTITIONED_TABLES) {
      const existing = await this.partitionsOf(table);
      for (const partition of wantedPartitions(table, now, this.config.HISTORY_RETENTION_DAYS, this.config.HISTORY_PARTITIONS_AHEAD_DAYS)) {
        if (!existing.has(partition.name)) await this.create(partition);
      }
      dropped.push(...(await this.dropExpired(table, existing, now)));
    }
    if (dropped.length > 0) this.logger.log(`dropped expired partitions: ${dropped.join(', ')}`);
    return dropped;
  }

  /** The partition of the day of `at` (a write found none: a record from before the window was created, or far ahead). */
  async ensureDay(table: PartitionedTable, at: number): Promise<void> {
    await this.create(dayPartition(table, at));
  }

  private async create(p: DayPartition): Promise<void> {
    const sql = `CREATE TABLE IF NOT EXISTS ${pg.escapeIdentifier(p.name)} PARTITION OF ${pg.escapeIdentifier(p.table)} FOR VALUES FROM ('${new Date(p.from).toISOString()}') TO ('${new Date(p.to).toISOString()}')`;
    try {
      await this.db.pool.query(sql);
    } catch (error) {
      // Another replica (or handler) created it between our check and our create; racing creates can also collide in the catalog (23505).
      const code = pgErrorCode(error);
      if (code !== PgErrors.duplicateTable && code !== PgErrors.uniqueViolation) throw error;
    }
  }

  /** Every table named like a day partition of `table`: attached ones, and ones a crash left detached. */
  private async partitionsOf(table: PartitionedTable): Promise<Map<string, PartitionState>> {
    const { rows } = await this.db.pool.query<PartitionState & { name: string }>(
      `SELECT c.relname AS name, i.inhrelid IS NOT NULL AS attached, i.inhdetachpending AS pending
         FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
        WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace AND c.relname LIKE $1`,
      [`${table}\\_p%`],
    );
    return new Map(rows.map((r) => [r.name, r]));
  }

  private async dropExpired(table: PartitionedTable, byName: Map<string, PartitionState>, now: number): Promise<string[]> {
    const dropped: string[] = [];
    for (const name of expiredPartitions(table, [...byName.keys()], now, this.config.HISTORY_RETENTION_DAYS)) {
      const row = byName.get(name)!;
      const client = await this.db.pool.connect();
      try {
        await client.query(`SET lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
        if (row.attached) {
          // CONCURRENTLY cannot run in a transaction block; pg's simple query runs it on its own.
          await client.query(`ALTER TABLE ${pg.escapeIdentifier(table)} DETACH PARTITION ${pg.escapeIdentifier(name)} ${row.pending ? 'FINALIZE' : 'CONCURRENTLY'}`);
        }
        await client.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(name)}`);
        dropped.push(name);
      } catch (error) {
        this.logger.warn({ msg: 'could not drop an expired partition yet; next round retries', partition: name, err: (error as Error).message });
      } finally {
        await client.query('RESET lock_timeout').catch(() => undefined);
        client.release();
      }
    }
    return dropped;
  }
}
