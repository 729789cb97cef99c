import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/**
 * Is an earlier delivery of this customer to this webhook waiting on a delay tier? Removes the
 * entries past their moment + grace first (a delivery that never came back), then answers
 * wait, until, queued: wait (1/0) when another delivery heads the queue; until, the latest
 * moment among the waiting ones; queued (1/0), whether the pair has a queue at all (then the
 * caller reports the outcome). A Lua function, so that the admission script checks the order in
 * the same call (EndpointAdmissionRepository); CHECK below is the check on its own.
 */
export const ORDER_CHECK_LUA = `
local function orderCheck(queue, due, now, id, grace)
  if redis.call('EXISTS', queue) == 0 then return 0, 0, 0 end
  for _, stale in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', now)) do
    redis.call('ZREM', queue, stale)
    redis.call('ZREM', due, stale)
  end
  local head = redis.call('ZRANGE', queue, 0, 0)[1]
  if not head then return 0, 0, 0 end
  local latest = redis.call('ZREVRANGE', due, 0, 0, 'WITHSCORES')[2]
  local later = latest and tonumber(latest) - tonumber(grace) or 0
  if head == id then return 0, later, 1 end
  return 1, later, 1
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

/** The keys the order scripts are given, in KEYS order (the slot spec checks they share the webhook's slot). */
export function orderKeys(webhookId: string, customerId: string): [string, string] {
  return [RedisKeys.endpointOrder(webhookId, customerId), RedisKeys.endpointOrderDue(webhookId, customerId)];
}

type ScriptedRedis = (Redis | Cluster) & {
  cuewireOrderCheck(...args: (string | number)[]): Promise<[number, number, number]>;
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
 * (its record lost with a wiped Redis or skipped) stops holding the others at its moment plus
 * `graceMs`.
 */
@Injectable()
export class CustomerOrder implements OnModuleInit {
  private redis!: ScriptedRedis;
  /** How long past its moment a waiting delivery that never comes back holds the others. */
  graceMs = 60_000;

  constructor(private readonly connection: RedisConnection) {}

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
    const [wait, until, queued] = await this.redis.cuewireOrderCheck(...orderKeys(webhookId, customerId), now, deliveryId, this.graceMs);
    return { wait: wait === 1, until, queued: queued === 1 };
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
