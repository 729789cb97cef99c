import { join } from 'node:path';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import type { HistoryEnv } from '../history.env.js';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');
/** Migration files are .ts in the sources and .js in dist; source maps and declarations are not migrations. */
const NOT_MIGRATIONS = String.raw`(\..*|.*\.map|.*\.d\.ts|.*\.spec\.ts)`;

/** PostgreSQL error codes this service reacts to. */
export const PgErrors = { invalidCatalogName: '3D000', duplicateDatabase: '42P04', duplicateTable: '42P07', uniqueViolation: '23505', noPartitionForRow: '23514' } as const;

export function pgErrorCode(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/**
 * The history database: created when missing (on the same server, through the `postgres`
 * maintenance database), migrated to the latest version (node-pg-migrate, under its advisory
 * lock, so replicas starting together migrate once), then a connection pool.
 */
export class HistoryDatabase implements OnApplicationShutdown {
  private constructor(readonly pool: pg.Pool) {}

  static async open(env: Pick<HistoryEnv, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>, logger = new Logger('HistoryDatabase')): Promise<HistoryDatabase> {
    await createDatabaseIfMissing(env.DATABASE_URL, logger);
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const applied = await runner({
        dbClient: client,
        dir: MIGRATIONS_DIR,
        ignorePattern: NOT_MIGRATIONS,
        migrationsTable: 'history_migrations',
        direction: 'up',
        logger: { debug: (m: string) => logger.debug(m), info: (m: string) => logger.debug(m), warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
      });
      if (applied.length > 0) logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await client.end();
    }
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_SIZE });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', (error) => logger.warn({ msg: 'idle database connection failed', err: error.message }));
    return new HistoryDatabase(pool);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

async function createDatabaseIfMissing(url: string, logger: Logger): Promise<void> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if (pgErrorCode(error) !== PgErrors.invalidCatalogName) throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    logger.log(`created database ${name}`);
  } catch (error) {
    // A replica starting at the same time created it first.
    if (pgErrorCode(error) !== PgErrors.duplicateDatabase) throw error;
  } finally {
    await admin.end();
  }
}
