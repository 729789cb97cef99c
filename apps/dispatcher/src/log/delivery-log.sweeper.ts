import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, singleFlightInterval } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { DispatcherEnv } from '../dispatcher.env.js';

/**
 * Trims every slice of the delivery log to DISPATCH_LOG_RETENTION_HOURS, on a timer, and the
 * global index earlier versions wrote (no longer written: it empties and disappears). Writes
 * trim only the log of the webhook they write to (one in 200), so a webhook that goes quiet,
 * or is deleted, would keep its last entries for ever; this walks all of them (SCAN, per
 * master on a Cluster), and a slice left empty disappears with its last entry. Every replica
 * runs it: the trim is idempotent, and cheap next to the writes.
 */
@Injectable()
export class DeliveryLogSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeliveryLogSweeper');
  private poller?: { stop(): Promise<void> };

  constructor(
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.poller = singleFlightInterval(() => this.sweep(), this.config.DISPATCH_LOG_SWEEP_MS, (err) => this.logger.warn({ err }, 'delivery log sweep failed; will retry'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.poller?.stop();
  }

  /** Removes entries older than the retention from every slice; returns how many went. */
  async sweep(now = Date.now()): Promise<number> {
    const cutoff = now - this.config.DISPATCH_LOG_RETENTION_HOURS * 3_600_000;
    let removed = await this.redis.client.zremrangebyscore(RedisKeys.deliveryLog(), '-inf', cutoff);
    for await (const keys of this.redis.scanKeys(RedisKeys.deliveryLogByWebhook('*'), 500)) {
      const counts = await Promise.all(keys.map((key) => this.redis.client.zremrangebyscore(key, '-inf', cutoff)));
      removed += counts.reduce((a, b) => a + b, 0);
    }
    return removed;
  }
}
