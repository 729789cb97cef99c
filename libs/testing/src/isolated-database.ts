import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The test PostgreSQL (trust auth on 5432 on every machine and in CI), or DATABASE_URL's server. */
const serverUrl = (): URL => new URL(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres');

/**
 * A database of the test's own on the test server (created by the service under test on its
 * first start), so runs never see each other's rows; `drop()` removes it.
 */
export function isolatedDatabase(label: string): { name: string; url: string; drop(): Promise<void> } {
  const name = `cw_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${randomUUID().slice(0, 8)}`;
  const url = serverUrl();
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const admin = serverUrl();
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
