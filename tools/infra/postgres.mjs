// PostgreSQL for the history service: reuse a server already answering on the usual port
// (5432: machines and CI have one, trust auth), else run a throwaway cluster of our own
// (initdb with trust auth for the current user, then `postgres` on the profile's port).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { busyPorts, EXTERNAL_HINT, InfraError, runCommand, spawnDetached, tcpOpen } from './process.mjs';

const HOST = '127.0.0.1';
const DATABASE = 'cuewire';
const user = () => process.env.PGUSER || os.userInfo().username;
const databaseUrl = (port, role = user()) => `postgres://${encodeURIComponent(role)}@${HOST}:${port}/${DATABASE}`;

/** The first role the server lets in without a password (trust auth): PGUSER, this OS user, root, postgres. */
async function trustedRole(port) {
  for (const role of [...new Set([process.env.PGUSER, os.userInfo().username, 'root', 'postgres'].filter(Boolean))]) {
    const client = new pg.Client({ host: HOST, port, user: role, database: 'postgres', connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      return role;
    } catch {
      // next candidate
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}

/** initdb and postgres: on PATH, or in the newest /usr/lib/postgresql/<version>/bin (Debian keeps them there). */
function binary(name) {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const candidate = path.join(root, v, 'bin', name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return name;
}

export function postgresComponent(cfg) {
  const port = cfg.postgresPort;
  const dataDir = path.join(cfg.stateDir, 'postgres');
  return {
    name: 'postgres',
    externalEnv: 'DATABASE_URL',
    portEnvs: 'CUEWIRE_POSTGRES_PORT',
    url: databaseUrl(port),
    pidFile: path.join(cfg.stateDir, 'postgres.pid'),
    logFile: path.join(cfg.stateDir, 'logs', 'postgres.log'),
    markers: ['postgres', dataDir],
    readyTimeoutMs: 30_000,
    probe: () => tcpOpen(HOST, port),
    busyPorts: () => busyPorts(HOST, [port]),
    /** A server we did not start but may use (never stopped by us); the history service creates its database there. */
    async findReusable() {
      for (const p of [cfg.postgresReusePort, port].filter(Boolean)) {
        const role = (await tcpOpen(HOST, p)) ? await trustedRole(p) : undefined;
        if (role) return databaseUrl(p, role);
      }
      return undefined;
    },
    async start() {
      try {
        if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
          fs.mkdirSync(dataDir, { recursive: true });
          const init = await runCommand(binary('initdb'), ['-D', dataDir, '-U', user(), '--auth=trust', '--encoding=UTF8']);
          if (init.code !== 0) {
            fs.rmSync(dataDir, { recursive: true, force: true });
            throw new InfraError(`initdb failed (it refuses to run as root):\n${init.output.slice(-2000)}\n${EXTERNAL_HINT}`);
          }
        }
        const args = ['-D', dataDir, '-p', String(port), '-h', HOST, '-k', dataDir];
        return await spawnDetached({ command: binary('postgres'), args, cwd: dataDir, logFile: this.logFile, pidFile: this.pidFile });
      } catch (err) {
        if (err.code !== 'ENOENT') throw err;
        throw new InfraError(`initdb/postgres not found on PATH or under /usr/lib/postgresql (apt-get install postgresql). ${EXTERNAL_HINT}`);
      }
    },
  };
}
