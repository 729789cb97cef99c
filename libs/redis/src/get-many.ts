import type { Cluster, Redis } from 'ioredis';

/**
 * GETs of many keys in one round trip: one MGET on a single Redis. On a Cluster the keys of
 * different customers live on different slots, where one MGET is refused (CROSSSLOT), so
 * each key gets its own GET there; the client's auto-pipelining still sends them together.
 */
export async function getMany(client: Redis | Cluster, keys: readonly string[]): Promise<(string | null)[]> {
  if (keys.length === 0) return [];
  if (client.isCluster) return Promise.all(keys.map((key) => client.get(key)));
  return client.mget(...keys);
}
