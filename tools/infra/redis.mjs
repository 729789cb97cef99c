// Redis: our own server with append-only-file persistence (AOF, fsync every second), so profiles,
// sequence progress, timers, caps, history and parked deliveries survive a restart or kill -9
// (docs/reliability.md). Never a borrowed server without persistence; REDIS_URL points at an
// external one instead.
import fs from 'node:fs';
import path from 'node:path';
import { busyPorts, EXTERNAL_HINT, InfraError, redisPing, spawnDetached } from './process.mjs';

const HOST = '127.0.0.1';

/** redis-server arguments: AOF on (fsync once a second: at most ~1 s of writes lost on a power cut, none on a process crash), no RDB snapshots. */
export function redisServerArgs(port, dataDir) {
  return ['--port', String(port), '--bind', HOST, '--dir', dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
}

export function redisComponent(cfg) {
  const port = cfg.redisPort;
  return {
    name: 'redis',
    externalEnv: 'REDIS_URL',
    portEnvs: 'CUEWIRE_REDIS_PORT',
    url: `redis://${HOST}:${port}`,
    pidFile: path.join(cfg.stateDir, 'redis.pid'),
    logFile: path.join(cfg.stateDir, 'logs', 'redis.log'),
    markers: ['redis-server', `:${port}`], // redis rewrites its title to "redis-server host:port"
    readyTimeoutMs: 15_000,
    probe: () => redisPing(HOST, port),
    busyPorts: () => busyPorts(HOST, [port]),
    async start() {
      // The data directory outlives the process (removed only by `down --clean`): a restart reloads the AOF.
      const dataDir = path.join(cfg.stateDir, 'redis');
      fs.mkdirSync(dataDir, { recursive: true });
      try {
        return await spawnDetached({ command: 'redis-server', args: redisServerArgs(port, dataDir), cwd: dataDir, logFile: this.logFile, pidFile: this.pidFile });
      } catch (err) {
        if (err.code !== 'ENOENT') throw err;
        throw new InfraError(`redis-server is not on PATH (apt-get install redis-server). ${EXTERNAL_HINT}`);
      }
    },
  };
}
