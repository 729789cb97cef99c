import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryAttempt, WebhookRequest } from '@cuewire/contracts';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { DispatcherEnv } from '../dispatcher.env.js';

export interface EndpointState {
  readonly consecutiveFailures: number;
  readonly openUntil: number;
  readonly disabled: boolean;
  readonly reason: string;
}

/** What a failure changed: the endpoint started failing (circuit opened) or was disabled. */
export type HealthChange = 'failing' | 'disabled';

/**
 * Failure count → circuit breaker → auto-disable. The count is consecutive failures across
 * replicas; at DISPATCH_BREAKER_FAILURES the circuit opens for a cooldown (deliveries wait on
 * the delay tiers, one probe goes through after the cooldown: see EndpointAdmissionRepository,
 * which also ends a streak on success); failing without a success for
 * DISPATCH_DISABLE_AFTER_MS (or a 410) disables the endpoint: its deliveries are parked.
 */
const FAILURE = `
local now = tonumber(ARGV[1])
local count = redis.call('HINCRBY', KEYS[1], 'consecutive', 1)
redis.call('HSETNX', KEYS[1], 'firstFailureAt', now)
local first = tonumber(redis.call('HGET', KEYS[1], 'firstFailureAt'))
local change = ''
if redis.call('HGET', KEYS[1], 'disabled') == '1' then return '' end
if ARGV[5] ~= '' or (count >= tonumber(ARGV[2]) and now - first >= tonumber(ARGV[4])) then
  local reason = ARGV[5]
  if reason == '' then reason = 'failing for ' .. math.floor((now - first) / 1000) .. ' s (' .. count .. ' attempts)' end
  redis.call('HSET', KEYS[1], 'disabled', '1', 'reason', reason)
  return 'disabled'
end
if count >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'openUntil', now + tonumber(ARGV[3]))
  if count == tonumber(ARGV[2]) then change = 'failing' end
end
return change
`;

/** KEYS: the parked list. ARGV: the most it may hold, the delivery. */
const PARK = `
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
return 1
`;

@Injectable()
export class EndpointHealthRepository {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {}

  async state(webhookId: string): Promise<EndpointState> {
    const h = await this.redis.client.hgetall(RedisKeys.endpointHealth(webhookId));
    return { consecutiveFailures: Number(h.consecutive ?? 0), openUntil: Number(h.openUntil ?? 0), disabled: h.disabled === '1', reason: h.reason ?? '' };
  }

  /** Counts a failure; `goneReason` disables at once (410). Returns what changed, if anything. */
  async recordFailure(webhookId: string, goneReason: string | null): Promise<HealthChange | null> {
    const { DISPATCH_BREAKER_FAILURES, DISPATCH_BREAKER_COOLDOWN_MS, DISPATCH_DISABLE_AFTER_MS } = this.config;
    const change = (await this.redis.client.eval(
      FAILURE,
      1,
      RedisKeys.endpointHealth(webhookId),
      Date.now(),
      DISPATCH_BREAKER_FAILURES,
      DISPATCH_BREAKER_COOLDOWN_MS,
      DISPATCH_DISABLE_AFTER_MS,
      goneReason ?? '',
    )) as string;
    return change === '' ? null : (change as HealthChange);
  }

  /**
   * Parks a delivery unless the endpoint already holds DISPATCH_PARKED_MAX (one script: the
   * bound holds across replicas). Returns false when full: the caller dead-letters it instead,
   * where it stays replayable, so an endpoint disabled for weeks cannot fill Redis.
   */
  async park(webhookId: string, delivery: { request: WebhookRequest; history: readonly DeliveryAttempt[] }): Promise<boolean> {
    const parked = await this.redis.client.eval(PARK, 1, RedisKeys.endpointParked(webhookId), this.config.DISPATCH_PARKED_MAX, serializeDelivery(delivery));
    return parked === 1;
  }

  /** Re-enables and hands back what was parked (the caller re-publishes it before it is removed). */
  async enable(webhookId: string, republish: (parked: { request: WebhookRequest; history: DeliveryAttempt[] }[]) => Promise<void>): Promise<number> {
    await this.redis.client.del(RedisKeys.endpointHealth(webhookId), RedisKeys.endpointProbe(webhookId));
    const key = RedisKeys.endpointParked(webhookId);
    let moved = 0;
    for (;;) {
      const chunk = await this.redis.client.lrange(key, 0, 499);
      if (chunk.length === 0) return moved;
      await republish(chunk.map(parseDelivery));
      await this.redis.client.ltrim(key, chunk.length, -1);
      moved += chunk.length;
    }
  }

  async disable(webhookId: string, reason: string): Promise<void> {
    await this.redis.client.hset(RedisKeys.endpointHealth(webhookId), 'disabled', '1', 'reason', reason);
  }

  async parkedCount(webhookId: string): Promise<number> {
    return this.redis.client.llen(RedisKeys.endpointParked(webhookId));
  }
}

export function serializeDelivery(d: { request: WebhookRequest; history: readonly DeliveryAttempt[] }): string {
  return JSON.stringify({ request: { ...d.request, body: d.request.body.toString('base64') }, history: d.history });
}

export function parseDelivery(text: string): { request: WebhookRequest; history: DeliveryAttempt[] } {
  const parsed = JSON.parse(text) as { request: WebhookRequest & { body: string }; history: DeliveryAttempt[] };
  // Deliveries kept before `variant`, `batchItem` and `batch` existed have none: their defaults.
  const { variant = null, batchItem = false, batch = null } = parsed.request;
  return { request: { ...parsed.request, body: Buffer.from(parsed.request.body, 'base64'), variant, batchItem, batch }, history: parsed.history };
}
