import { Injectable } from '@nestjs/common';
import { RedisConnection, RedisKeys } from '@cuewire/redis';

/**
 * Durable timers: a sorted set scored by due time. A replica claims due timers by pushing their
 * score to the end of a lease; a timer whose claimer dies comes due again when the lease ends
 * (at-least-once), and completing removes it. Scheduling the same timer id twice is one timer.
 */
const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[3], member) end
return due
`;

@Injectable()
export class DueTimersRepository {
  constructor(private readonly redis: RedisConnection) {}

  async schedule(timers: readonly { timerId: string; dueAt: number }[]): Promise<void> {
    if (timers.length === 0) return;
    await this.redis.client.zadd(RedisKeys.dueTimers(), ...timers.flatMap((t) => [t.dueAt, t.timerId]));
  }

  async cancel(timerIds: readonly string[]): Promise<void> {
    if (timerIds.length > 0) await this.redis.client.zrem(RedisKeys.dueTimers(), ...timerIds);
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<string[]> {
    return (await this.redis.client.eval(CLAIM, 1, RedisKeys.dueTimers(), now, limit, now + leaseMs)) as string[];
  }

  /** Puts claimed timers back, due at the given times; a timer cancelled meanwhile stays cancelled. */
  async postpone(timers: readonly { timerId: string; dueAt: number }[]): Promise<void> {
    if (timers.length === 0) return;
    await this.redis.client.zadd(RedisKeys.dueTimers(), 'XX', ...timers.flatMap((t) => [t.dueAt, t.timerId]));
  }

  async complete(timerId: string): Promise<void> {
    await this.redis.client.zrem(RedisKeys.dueTimers(), timerId);
  }
}
