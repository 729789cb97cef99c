import { RedisKeys } from '@cuewire/redis';
import { ORDER_CHECK_LUA, orderKeys } from '../deliveries/customer-order.js';

/**
 * May these deliveries to one webhook start now? One script for the deliveries one turn of the
 * event loop asked about, atomic across replicas, answering each in turn exactly as one call per
 * delivery in that order would: first, for a delivery kept in its customer's order, that order
 * (an earlier delivery of the customer waiting on a delay tier → go behind it; CustomerOrder owns
 * the queue, this is its check in the same call); an acknowledged delivery is a duplicate (never
 * sent twice); then health (disabled → park; circuit open → wait, unless this caller wins the one
 * probe), then the concurrency cap (a sorted set of leases scored by expiry; only leases not yet
 * expired are counted, so a crashed replica's leases never leak the cap; they are removed on
 * every `sweep` call and with the key when it is idle), then the rate limit (GCRA on one key, the
 * theoretical arrival time: `burst` at once, `perSecond` sustained). All keys carry the webhook's
 * hash tag, so the script is Cluster-safe. A grant also says whether the endpoint has a failure
 * streak, so the release clears it without looking again. Every answer says whether the
 * customer's pair has an order queue (then the caller reports the outcome), when this delivery
 * joined it, and how many expired holds the check removed.
 *
 * KEYS: health, probe, in-flight, rate, then per delivery: delivered mark, order queue, order due.
 * ARGV: now, concurrency, leaseMs, interval, burst, probeLeaseMs, sweep (1/0), order grace (ms),
 * then per delivery: lease token, delivery id to check the order for ('' = unordered).
 * Answers, in KEYS order: {kind, detail, queued (1/0), first deferred at (0 = not queued), expired holds}.
 */
export const ADMIT = `${ORDER_CHECK_LUA}
local now = tonumber(ARGV[1])
local concurrency = tonumber(ARGV[2])
local leaseMs = tonumber(ARGV[3])
local interval = tonumber(ARGV[4])
local burst = tonumber(ARGV[5])
if ARGV[7] == '1' then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now) end
local health = redis.call('HMGET', KEYS[1], 'disabled', 'reason', 'openUntil', 'consecutive')
local openUntil = tonumber(health[3] or 0)
local streak = health[4] and 1 or 0
local live = redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[1], '+inf')
local tat, rated = nil, false
local leases = {}
local function admitOne(mark, queue, due, token, orderedId)
  local queued, since, expired = 0, 0, 0
  if orderedId ~= '' then
    local wait, later
    wait, later, queued, expired, since = orderCheck(queue, due, ARGV[1], orderedId, ARGV[8])
    if wait == 1 then return {'ordered', later, queued, since, expired} end
  end
  if redis.call('EXISTS', mark) == 1 then return {'duplicate', 0, queued, since, expired} end
  if health[1] == '1' then return {'disabled', health[2] or '', queued, since, expired} end
  if openUntil > now and not redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[6]), 'NX') then return {'paused', openUntil - now, queued, since, expired} end
  if live >= concurrency then return {'busy', 50, queued, since, expired} end
  if interval > 0 then
    tat = tat or tonumber(redis.call('GET', KEYS[4]) or now)
    if tat < now then tat = now end
    local allowAt = tat + interval - interval * burst
    if allowAt > now then return {'busy', math.ceil(allowAt - now), queued, since, expired} end
    tat, rated = tat + interval, true
  end
  live = live + 1
  leases[#leases + 1] = now + leaseMs
  leases[#leases + 1] = token
  return {'granted', streak, queued, since, expired}
end
local answers = {}
for i = 0, (#KEYS - 4) / 3 - 1 do
  answers[i + 1] = admitOne(KEYS[5 + 3 * i], KEYS[6 + 3 * i], KEYS[7 + 3 * i], ARGV[9 + 2 * i], ARGV[10 + 2 * i])
end
if rated then redis.call('SET', KEYS[4], tat, 'PX', math.ceil(interval * burst + 1000)) end
if #leases > 0 then
  redis.call('ZADD', KEYS[3], unpack(leases))
  redis.call('PEXPIRE', KEYS[3], leaseMs * 2)
end
return answers
`;

/**
 * Gives leases back, for the releases one turn of the event loop asked for; after a success
 * also marks the delivery acknowledged and ends the failure streak the admission saw (a healthy
 * endpoint costs nothing more). A failure another replica counts between an admission and its
 * success stays counted: the two were concurrent.
 * KEYS: in-flight, health, then per delivery: delivered mark.
 * ARGV: mark TTL (s), now, then per delivery: token, succeeded (1/0), streak seen (1/0).
 */
export const RELEASE = `
local tokens = {}
local endStreak = false
for i = 0, #KEYS - 3 do
  tokens[i + 1] = ARGV[3 + 3 * i]
  if ARGV[4 + 3 * i] == '1' then
    redis.call('SET', KEYS[3 + i], ARGV[2], 'EX', tonumber(ARGV[1]))
    if ARGV[5 + 3 * i] == '1' then endStreak = true end
  end
end
redis.call('ZREM', KEYS[1], unpack(tokens))
if endStreak then redis.call('HDEL', KEYS[2], 'consecutive', 'firstFailureAt', 'openUntil') end
return 1
`;

/** A delivery the scripts are given keys for: the mark is the delivery's, the order queue its customer's. */
export interface AdmittedDelivery {
  readonly deliveryId: string;
  /** '' when the customer's order is not checked. */
  readonly customerId: string;
}

/** The keys ADMIT is given, in KEYS order (the slot spec checks they share the webhook's slot with RELEASE's). */
export function admitKeys(webhookId: string, deliveries: readonly AdmittedDelivery[]): string[] {
  return [
    RedisKeys.endpointHealth(webhookId),
    RedisKeys.endpointProbe(webhookId),
    RedisKeys.endpointInFlight(webhookId),
    RedisKeys.endpointRate(webhookId),
    ...deliveries.flatMap((d) => [RedisKeys.deliveredMark(webhookId, d.deliveryId), ...orderKeys(webhookId, d.customerId)]),
  ];
}

/** The keys RELEASE is given, in KEYS order. */
export function releaseKeys(webhookId: string, deliveryIds: readonly string[]): string[] {
  return [RedisKeys.endpointInFlight(webhookId), RedisKeys.endpointHealth(webhookId), ...deliveryIds.map((id) => RedisKeys.deliveredMark(webhookId, id))];
}
