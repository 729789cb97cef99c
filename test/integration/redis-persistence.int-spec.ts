import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from '@cuewire/testing';
import { infraDown, infraUp } from '../../tools/infra/infra.mjs';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Redis the infra tool starts for `npm start` and the tests keeps what it acknowledged
 * across a crash: append-only file, reloaded on start. Runs its own server on a free port and
 * state directory (Kafka and the registry are the run's external ones, left alone).
 */
describe('Redis started by the infra tool', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'cw-redis-aof-'));
  const sharedRedisUrl = process.env.REDIS_URL;
  let options: { profile: 'test'; redisPort: number; stateDir: string; log: () => void };

  beforeAll(async () => {
    options = { profile: 'test', redisPort: await freePort(), stateDir, log: () => undefined };
    // With REDIS_URL set the tool would use that server instead of starting one.
    delete process.env.REDIS_URL;
  });

  afterAll(async () => {
    await infraDown(options).catch(() => undefined);
    process.env.REDIS_URL = sharedRedisUrl;
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('keeps written keys across kill -9 and a restart (AOF, fsync every second)', async () => {
    const first = await infraUp(options);
    expect(first.started).toEqual(['redis']);
    const before = new Redis(first.redisUrl);
    try {
      expect(await before.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await before.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      await before.set('profile:{c-1}', '{"vip":true}');
      await before.zadd('timers:due', 1_700_000_000_000, 'timer-1');
      // everysec: the file is written before the reply and fsynced within a second; wait past both.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
    } finally {
      before.disconnect();
    }

    const pid = Number(readFileSync(join(stateDir, 'redis.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await waitFor('redis-server to die', () => !alive(pid), 10_000);

    const second = await infraUp(options);
    expect(second.started).toEqual(['redis']);
    const after = new Redis(second.redisUrl);
    try {
      expect(await after.get('profile:{c-1}')).toBe('{"vip":true}');
      expect(await after.zscore('timers:due', 'timer-1')).toBe('1700000000000');
    } finally {
      after.disconnect();
    }
  });
});
