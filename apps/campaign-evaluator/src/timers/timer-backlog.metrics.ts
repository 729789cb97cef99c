import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { CLOCK, type Clock } from '../clock.js';

/** A timer due this long and still not fired is overdue: a healthy poller fires it within a few polls. */
export const OVERDUE_AFTER_MS = 30_000;

const sources = new Set<TimerBacklogMetrics>();

const collectFrom = (read: (s: TimerBacklogMetrics) => Promise<number>) =>
  async function (this: Gauge) {
    this.reset();
    for (const source of sources) this.set(await read(source));
  };

new Gauge({
  name: 'cuewire_evaluator_timers_due',
  help: 'Durable timers ("not followed by … within T") due now and not yet claimed by a poll, read from Redis at each scrape',
  collect: collectFrom((s) => s.countDue(0)),
});
new Gauge({
  name: 'cuewire_evaluator_timers_overdue',
  help: `Durable timers due for over ${OVERDUE_AFTER_MS / 1000} s and not yet claimed: the poller is behind or failing`,
  collect: collectFrom((s) => s.countDue(OVERDUE_AFTER_MS)),
});
new Gauge({
  name: 'cuewire_evaluator_timers_scheduled',
  help: 'Durable timers waiting, due or not',
  collect: collectFrom((s) => s.countScheduled()),
});

/**
 * The timers backlog for Prometheus, read with the same sorted set the poller claims from (a
 * claimed timer is scored at its lease's end, so it does not count as due while it fires). The
 * numbers are the install's, not this replica's: dashboards take the max over replicas.
 */
@Injectable()
export class TimerBacklogMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    sources.add(this);
  }

  onModuleDestroy(): void {
    sources.delete(this);
  }

  countDue(forMs: number): Promise<number> {
    return this.redis.client.zcount(RedisKeys.dueTimers(), '-inf', this.clock() - forMs);
  }

  countScheduled(): Promise<number> {
    return this.redis.client.zcard(RedisKeys.dueTimers());
  }
}
