import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/**
 * Concurrency: a sorted set of leases scored by expiry; expired leases (a crashed replica's)
 * are dropped before counting, so a cap never leaks. Rate: GCRA on one key (the theoretical
 * arrival time), which allows `burst` at once and `perSecond` sustained. One script, one round
 * trip, atomic across replicas. Both keys share the webhook's hash slot (Cluster-safe).
 */
const ACQUIRE = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return {0, 50} end
local interval = tonumber(ARGV[5])
if interval > 0 then
  local burst = tonumber(ARGV[6])
  local tat = tonumber(redis.call('GET', KEYS[2]) or now)
  if tat < now then tat = now end
  local allowAt = tat + interval - interval * burst
  if allowAt > now then return {0, math.ceil(allowAt - now)} end
  redis.call('SET', KEYS[2], tat + interval, 'PX', math.ceil(interval * burst + 1000))
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) * 2)
return {1, 0}
`;

export type SlotGrant = { granted: true; release: () => Promise<void> } | { granted: false; retryInMs: number };

@Injectable()
export class EndpointLimitsRepository {
  constructor(private readonly redis: RedisConnection) {}

  /** A slot to send to this webhook now, within its concurrency cap and rate limit, or how long to wait. */
  async acquire(webhookId: string, concurrency: number, rate: { perSecond: number; burst?: number } | undefined, leaseMs: number): Promise<SlotGrant> {
    const token = randomUUID();
    const inFlight = RedisKeys.endpointInFlight(webhookId);
    const interval = rate ? 1000 / rate.perSecond : 0;
    const [granted, retryInMs] = (await this.redis.client.eval(
      ACQUIRE,
      2,
      inFlight,
      RedisKeys.endpointRate(webhookId),
      Date.now(),
      concurrency,
      token,
      leaseMs,
      interval,
      rate?.burst ?? Math.max(1, Math.ceil(rate?.perSecond ?? 1)),
    )) as [number, number];
    if (!granted) return { granted: false, retryInMs };
    return { granted: true, release: async () => void (await this.redis.client.zrem(inFlight, token)) };
  }
}
