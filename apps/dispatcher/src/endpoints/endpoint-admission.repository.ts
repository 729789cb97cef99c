import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { ORDER_CHECK_LUA, orderKeys } from '../deliveries/customer-order.js';

/**
 * May a delivery to this webhook start now? One script, one round trip, atomic across replicas:
 * first, for a delivery kept in its customer's order, that order (an earlier delivery of the
 * customer waiting on a delay tier → go behind it; CustomerOrder owns the queue, this is its
 * check in the same call); an acknowledged delivery is a duplicate (never sent twice); then
 * health (disabled → park; circuit open → wait, unless this caller wins the one probe),
 * then the concurrency cap (a sorted set of leases scored by expiry; only leases not yet expired
 * are counted, so a crashed replica's leases never leak the cap; they are removed on every
 * `sweep` call and with the key when it is idle), then the rate limit (GCRA on
 * one key, the theoretical arrival time: `burst` at once, `perSecond` sustained). All keys
 * carry the webhook's hash tag, so the script is Cluster-safe. A grant also says whether the
 * endpoint has a failure streak, so the release clears it without looking again. Every answer
 * says whether the customer's pair has an order queue (then the caller reports the outcome).
 *
 * KEYS: health, probe, in-flight, rate, delivered mark, order queue, order due.
 * ARGV: now, concurrency, token, leaseMs, interval, burst, probeLeaseMs, sweep (1/0),
 * delivery id to check the order for ('' = unordered), order grace (ms).
 */
const ADMIT = `${ORDER_CHECK_LUA}
local now = tonumber(ARGV[1])
local queued = 0
if ARGV[9] ~= '' then
  local wait, later
  wait, later, queued = orderCheck(KEYS[6], KEYS[7], ARGV[1], ARGV[9], ARGV[10])
  if wait == 1 then return {'ordered', later, queued} end
end
if redis.call('EXISTS', KEYS[5]) == 1 then return {'duplicate', 0, queued} end
local health = redis.call('HMGET', KEYS[1], 'disabled', 'reason', 'openUntil', 'consecutive')
if health[1] == '1' then return {'disabled', health[2] or '', queued} end
local openUntil = tonumber(health[3] or 0)
if openUntil > now and not redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[7]), 'NX') then return {'paused', openUntil - now, queued} end
if ARGV[8] == '1' then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now) end
if redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[1], '+inf') >= tonumber(ARGV[2]) then return {'busy', 50, queued} end
local interval = tonumber(ARGV[5])
if interval > 0 then
  local burst = tonumber(ARGV[6])
  local tat = tonumber(redis.call('GET', KEYS[4]) or now)
  if tat < now then tat = now end
  local allowAt = tat + interval - interval * burst
  if allowAt > now then return {'busy', math.ceil(allowAt - now), queued} end
  redis.call('SET', KEYS[4], tat + interval, 'PX', math.ceil(interval * burst + 1000))
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[4]) * 2)
if health[4] then return {'granted', 1, queued} end
return {'granted', 0, queued}
`;

/**
 * Gives the lease back; after a success also marks the delivery acknowledged and ends the
 * failure streak the admission saw (a healthy endpoint costs nothing more). A failure another
 * replica counts between this admission and its success stays counted: the two were concurrent.
 * KEYS: in-flight, health, delivered mark. ARGV: token, succeeded (1/0), mark TTL (s), now, streak seen (1/0).
 */
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  redis.call('SET', KEYS[3], ARGV[4], 'EX', tonumber(ARGV[3]))
  if ARGV[5] == '1' then redis.call('HDEL', KEYS[2], 'consecutive', 'firstFailureAt', 'openUntil') end
end
return 1
`;

export interface AdmissionLimits {
  readonly concurrency: number;
  readonly rate?: { readonly perSecond: number; readonly burst?: number };
  /** How long a lease lives if its holder dies without releasing it. */
  readonly leaseMs: number;
  /** While the circuit is open, one caller at a time may probe; its claim lasts this long. */
  readonly probeLeaseMs: number;
  /** How long an acknowledged delivery id is remembered. */
  readonly deliveredTtlSeconds: number;
}

/** A delivery kept in its customer's order: the admission checks that order first. */
export interface OrderedBy {
  readonly customerId: string;
  /** CustomerOrder.graceMs: how long past its moment a waiting delivery that never comes back holds the others. */
  readonly graceMs: number;
}

export type Admission = (
  /** `release(true)` also records the delivery as acknowledged: call it once the receiver accepted it. */
  | { readonly kind: 'granted'; readonly release: (succeeded: boolean) => Promise<void> }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'disabled'; readonly reason: string }
  | { readonly kind: 'paused' | 'busy'; readonly retryInMs: number }
  /** An earlier delivery of the customer waits on a delay tier until at least `until`: go behind it. */
  | { readonly kind: 'ordered'; readonly until: number }
) & {
  /** The customer's pair has an order queue (this delivery may be in it): report the outcome with CustomerOrder.settled. */
  readonly queued: boolean;
};

/** The keys ADMIT and RELEASE are given, in KEYS order (the slot spec checks they share the webhook's slot). */
export function admissionKeys(webhookId: string, deliveryId: string, customerId: string): { admit: string[]; release: string[] } {
  const health = RedisKeys.endpointHealth(webhookId);
  const inFlight = RedisKeys.endpointInFlight(webhookId);
  const mark = RedisKeys.deliveredMark(webhookId, deliveryId);
  return { admit: [health, RedisKeys.endpointProbe(webhookId), inFlight, RedisKeys.endpointRate(webhookId), mark, ...orderKeys(webhookId, customerId)], release: [inFlight, health, mark] };
}

type ScriptedRedis = (Redis | Cluster) & {
  cuewireAdmit(...args: (string | number)[]): Promise<[string, string | number, number]>;
  cuewireRelease(...args: (string | number)[]): Promise<number>;
};

/** Expired leases (only a crashed replica leaves them) are removed on one admission in this many. */
const SWEEP_EVERY = 100;

@Injectable()
export class EndpointAdmissionRepository implements OnModuleInit {
  private redis!: ScriptedRedis;
  private admissions = 0;

  constructor(private readonly connection: RedisConnection) {}

  onModuleInit(): void {
    // defineCommand sends EVALSHA and falls back to EVAL once per connection: the script text is not resent per call.
    const client = this.connection.client;
    if (!('cuewireAdmit' in client)) {
      client.defineCommand('cuewireAdmit', { numberOfKeys: 7, lua: ADMIT });
      client.defineCommand('cuewireRelease', { numberOfKeys: 3, lua: RELEASE });
    }
    this.redis = client as ScriptedRedis;
  }

  /** Without `ordered` (ordering off, or a batch, which has no customer) the customer's order is not looked at. */
  async admit(webhookId: string, deliveryId: string, limits: AdmissionLimits, ordered?: OrderedBy): Promise<Admission> {
    const token = randomUUID();
    const keys = admissionKeys(webhookId, deliveryId, ordered?.customerId ?? '');
    const { rate } = limits;
    const [kind, detail, inQueue] = await this.redis.cuewireAdmit(
      ...keys.admit,
      Date.now(),
      limits.concurrency,
      token,
      limits.leaseMs,
      rate ? 1000 / rate.perSecond : 0,
      rate?.burst ?? Math.max(1, Math.ceil(rate?.perSecond ?? 1)),
      limits.probeLeaseMs,
      ++this.admissions % SWEEP_EVERY === 0 ? 1 : 0,
      ordered ? deliveryId : '',
      ordered?.graceMs ?? 0,
    );
    const queued = inQueue === 1;
    switch (kind) {
      case 'granted':
        return { kind, queued, release: async (succeeded) => void (await this.redis.cuewireRelease(...keys.release, token, succeeded ? 1 : 0, limits.deliveredTtlSeconds, Date.now(), detail)) };
      case 'duplicate':
        return { kind, queued };
      case 'disabled':
        return { kind, queued, reason: String(detail) };
      case 'paused':
      case 'busy':
        return { kind, queued, retryInMs: Number(detail) };
      case 'ordered':
        return { kind, queued, until: Number(detail) };
      default:
        throw new Error(`unexpected admission answer ${kind}`);
    }
  }
}
