import { randomUUID } from 'node:crypto';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection } from '@cuewire/redis';

/**
 * A connection to the test Redis under a key prefix of its own (`<label>-<id>:`), so specs
 * sharing one server never see each other's keys; `dispose` deletes its keys and closes it.
 */
export function isolatedRedis(label: string): { redis: RedisConnection; dispose: () => Promise<void> } {
  const prefix = `${label}-${randomUUID().slice(0, 8)}:`;
  const redis = new RedisConnection({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix } as BaseEnv, new ReadinessRegistry());
  const dispose = async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    // One DEL per key: the keys may live on different slots of a Cluster.
    await Promise.all(keys.map((k) => redis.client.del(k.slice(prefix.length))));
    await redis.onApplicationShutdown();
  };
  return { redis, dispose };
}
