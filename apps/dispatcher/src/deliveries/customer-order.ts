import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { DispatcherEnv } from '../dispatcher.env.js';

/**
 * Is an earlier delivery of this customer to this webhook waiting on a delay tier? Removes the
 * entries past their moment + grace first (a delivery that never came back), then answers
 * wait, until, queued, expired, since: wait (1/0) when another delivery heads the queue; until,
 * the latest moment among the waiting ones; queued (1/0), whether the pair has a queue at all
 * (then the caller reports the outcome); expired, how many it removed; since, when this
 * delivery was first deferred (0 when it is not queued). A Lua function, so that the admission
 * script checks the order in the same call (EndpointAdmissionRepository); CHECK below is the
 * check on its own.
 */
export const ORDER_CHECK_LUA = `
local function orderCheck(queue, due, now, id, grace)
  if redis.call('EXISTS', queue) == 0 then return 0, 0, 0, 0, 0 end
  local expired = redis.call('ZRANGEBYSCORE', due, '-inf', now)
  for _, stale in ipairs(expired) do
    redis.call('ZREM', queue, stale)
    redis.call('ZREM', due, stale)
  end
  local head = redis.call('ZRANGE', queue, 0, 0)[1]
  if not head then return 0, 0, 0, #expired, 0 end
  local latest = redis.call('ZREVRANGE', due, 0, 0, 'WITHSCORES')[2]
  local later = latest and tonumber(latest) - tonumber(grace) or 0
  local since = tonumber(redis.call('ZSCORE', queue, id) or 0)
  if head == id then return 0, later, 1, #expired, since end
  return 1, later, 1, #expired, since
end
`;

/** KEYS: queue, due. ARGV: now, delivery id, grace (ms). */
const CHECK = `${ORDER_CHECK_LUA}
return {orderCheck(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])}
`;

/**
 * A delivery went to a delay tier until its moment: it joins the queue where it was first
 * deferred (a later deferral of the same delivery keeps its place) and holds the others until
 * moment + grace. KEYS: queue, due. ARGV: now, delivery id, moment + grace.
 */
const DEFER = `
redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
local ttl = tonumber(redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]) - tonumber(ARGV[1]) + 1000
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
`;

/** The delivery has an outcome other than deferral. KEYS: queue, due. ARGV: delivery id. */
const SETTLE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

const orderHoldsExpired = new Counter({
  name: 'cuewire_dispatch_order_holds_expired_total',
  help: 'Deferred deliveries that stopped holding their customer’s later deliveries to a webhook because they had not come back within DISPATCH_ORDER_GRACE_MS of their moment',
  labelNames: ['webhook'],
});

/** Counts holds an order check (on its own or in the admission script) found expired: each a delivery the customer's later ones may now overtake if it still comes back. */
export function countExpiredHolds(webhookId: string, expired: number): void {
  if (expired > 0) orderHoldsExpired.inc({ webhook: webhookId }, expired);
}

/** The keys the order scripts are given, in KEYS order (the slot spec checks they share the webhook's slot). */
export function orderKeys(webhookId: string, customerId: string): [string, string] {
  return [RedisKeys.endpointOrder(webhookId, customerId), RedisKeys.endpointOrderDue(webhookId, customerId)];
}

type ScriptedRedis = (Redis | Cluster) & {
  cuewireOrderCheck(...args: (string | number)[]): Promise<[number, number, number, number, number]>;
  cuewireOrderDefer(...args: (string | number)[]): Promise<number>;
  cuewireOrderSettle(...args: (string | number)[]): Promise<number>;
};

export interface OrderCheck {
  /** Another delivery of the pair heads the queue: this one goes behind it. */
  readonly wait: boolean;
  /** The latest moment among the pair's waiting deliveries (a follower waits at least until then). */
  readonly until: number;
  /** The pair has a queue: report this delivery's outcome with `settled` (it may be in it). */
  readonly queued: boolean;
  /** When this delivery was first deferred (epoch ms; 0 when it is not in the queue). */
  readonly waitingSince: number;
}

/** The longest a delivery that has waited long is put off at a time (deferralBackoffMs). */
export const MAX_DEFERRAL_BACKOFF_MS = 30_000;

/**
 * How long to put off a delivery that comes back and must wait again, at least: a quarter of
 * how long it has waited so far, up to 30 s. Under a backlog (an endpoint at its concurrency
 * limit, customers queued behind a busy delivery) each deferral is a tier record produced,
 * consumed and checked; deferring every second turned the 100,000-event cluster-chaos run's
 * backlog into over a million tier records per dispatcher. Waiting long means the backlog is
 * long: coming back less often costs at most a quarter more wait.
 */
export function deferralBackoffMs(waitingSince: number, now: number): number {
  return waitingSince > 0 ? Math.min(MAX_DEFERRAL_BACKOFF_MS, Math.max(0, Math.floor((now - waitingSince) / 4))) : 0;
}

/**
 * Keeps one customer's deliveries to one webhook in order across deferrals, across every
 * dispatcher replica. A delivery deferred to a delay tier (endpoint busy or paused, or a retry
 * after a failure) would otherwise be overtaken by the customer's next delivery to the same
 * webhook; while one is outstanding, later ones defer behind it, and each proceeds only once
 * every earlier one has an outcome.
 *
 * The queue is in Redis, not in a process: a deferred delivery comes back through a delay
 * tier's consumer group, whose partitions another replica may own, so memory in the replica
 * that deferred it does not see it come back (issue #13's cluster run: order broken with three
 * dispatchers). One script per step, keys under the webhook's hash tag (Cluster-safe). A
 * delivery that is admitted has its order checked by the admission script, in the same call
 * (where the pair has no queue that check is one `EXISTS`); `check` serves the paths without an
 * admission (unknown or disabled webhook). An entry whose delivery never comes back
 * (its delay-tier record dead-lettered) stops holding the others at its moment plus `graceMs`,
 * which must outlast how far the tiers lag behind under a backlog: a delivery that comes back
 * after its hold ended is overtaken by the customer's later ones.
 */
@Injectable()
export class CustomerOrder implements OnModuleInit {
  private redis!: ScriptedRedis;
  /** How long past its moment a waiting delivery that never comes back holds the others (DISPATCH_ORDER_GRACE_MS). */
  graceMs: number;

  constructor(
    private readonly connection: RedisConnection,
    @Inject(APP_CONFIG) config: Pick<DispatcherEnv, 'DISPATCH_ORDER_GRACE_MS'>,
  ) {
    this.graceMs = config.DISPATCH_ORDER_GRACE_MS;
  }

  onModuleInit(): void {
    const client = this.connection.client;
    if (!('cuewireOrderCheck' in client)) {
      client.defineCommand('cuewireOrderCheck', { numberOfKeys: 2, lua: CHECK });
      client.defineCommand('cuewireOrderDefer', { numberOfKeys: 2, lua: DEFER });
      client.defineCommand('cuewireOrderSettle', { numberOfKeys: 2, lua: SETTLE });
    }
    this.redis = client as ScriptedRedis;
  }

  /** The order check on its own, where no admission follows (an admission checks it in its own script). */
  async check(webhookId: string, customerId: string, deliveryId: string, now = Date.now()): Promise<OrderCheck> {
    const [wait, until, queued, expired, waitingSince] = await this.redis.cuewireOrderCheck(...orderKeys(webhookId, customerId), now, deliveryId, this.graceMs);
    countExpiredHolds(webhookId, expired);
    return { wait: wait === 1, until, queued: queued === 1, waitingSince };
  }

  /** The delivery was handed to a delay tier until `notBefore`. */
  async deferred(webhookId: string, customerId: string, deliveryId: string, notBefore: number, now = Date.now()): Promise<void> {
    await this.redis.cuewireOrderDefer(...orderKeys(webhookId, customerId), now, deliveryId, notBefore + this.graceMs);
  }

  /** The delivery has an outcome other than deferral (delivered, parked, dead, duplicate). */
  async settled(webhookId: string, customerId: string, deliveryId: string): Promise<void> {
    await this.redis.cuewireOrderSettle(...orderKeys(webhookId, customerId), deliveryId);
  }
}
