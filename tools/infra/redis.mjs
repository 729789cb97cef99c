// Redis: reuse any server already answering PING, else run a throwaway one (no persistence).
import fs from 'node:fs';
import path from 'node:path';
import { busyPorts, EXTERNAL_HINT, InfraError, redisPing, spawnDetached } from './process.mjs';

const HOST = '127.0.0.1';
const redisUrl = (port) => `redis://${HOST}:${port}`;

export function redisComponent(cfg) {
  const port = cfg.redisPort;
  return {
    name: 'redis',
    externalEnv: 'REDIS_URL',
    portEnvs: 'CUEWIRE_REDIS_PORT',
    url: redisUrl(port),
    pidFile: path.join(cfg.stateDir, 'redis.pid'),
    logFile: path.join(cfg.stateDir, 'logs', 'redis.log'),
    markers: ['redis-server', `:${port}`], // redis rewrites its title to "redis-server host:port"
    readyTimeoutMs: 15_000,
    probe: () => redisPing(HOST, port),
    busyPorts: () => busyPorts(HOST, [port]),
    /** URL of a Redis we did not start but may use (never stopped by us). */
    async findReusable() {
      for (const p of [cfg.redisReusePort, port].filter(Boolean)) {
        if (await redisPing(HOST, p)) return redisUrl(p);
      }
      return undefined;
    },
    async start() {
      const dataDir = path.join(cfg.stateDir, 'redis');
      fs.mkdirSync(dataDir, { recursive: true });
      const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dataDir];
      try {
        return await spawnDetached({ command: 'redis-server', args, cwd: dataDir, logFile: this.logFile, pidFile: this.pidFile });
      } catch (err) {
        if (err.code !== 'ENOENT') throw err;
        throw new InfraError(`redis-server is not on PATH (apt-get install redis-server). ${EXTERNAL_HINT}`);
      }
    },
  };
}
