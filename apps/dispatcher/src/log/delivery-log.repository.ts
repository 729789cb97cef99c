import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryAttempt, WebhookRequest } from '@cuewire/contracts';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { DispatcherEnv } from '../dispatcher.env.js';
import { deliveriesOf, forTransit, type DeliveryRef } from '../batches/batch-requests.js';
import { parseDelivery, serializeDelivery } from '../endpoints/endpoint-health.repository.js';

export type LoggedOutcome = 'DELIVERED' | 'RETRY_SCHEDULED' | 'DEAD' | 'SKIPPED_DUPLICATE' | 'PARKED' | 'DEFERRED';

export interface DeliveryLogEntry {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly campaignId: string;
  readonly customerId: string;
  readonly attempt: number;
  readonly outcome: LoggedOutcome;
  readonly at: number;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly responseExcerpt: string | null;
  readonly nextAttemptAt?: number;
  /** The batch request that carried this delivery (batched webhooks). */
  readonly batchId?: string;
}

export interface DeliveryLogQuery {
  readonly webhookId?: string;
  readonly campaignId?: string;
  readonly customerId?: string;
  readonly outcome?: LoggedOutcome;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  /** Raw position to resume the scan at (from the previous page's nextCursor). */
  readonly cursor: number;
}

const SCAN_CHUNK = 500;

/**
 * The dispatcher's recent window of attempts in Redis sorted sets (global, and per webhook),
 * trimmed to DISPATCH_LOG_RETENTION_HOURS, with the requests of dead deliveries: what replay
 * reads. The delivery history people search is the history service's (PostgreSQL, fed by
 * the delivery-results topic).
 */
@Injectable()
export class DeliveryLogRepository {
  private writes = 0;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {}

  /** One entry per delivery the request stands for (each item of a batch). */
  async record(request: WebhookRequest, attempt: Partial<DeliveryAttempt> & { outcome: LoggedOutcome; latencyMs: number; nextAttemptAt?: number }): Promise<void> {
    await Promise.all(deliveriesOf(request).map((delivery) => this.recordOne(request, delivery, attempt)));
  }

  private async recordOne(request: WebhookRequest, delivery: DeliveryRef, attempt: Partial<DeliveryAttempt> & { outcome: LoggedOutcome; latencyMs: number; nextAttemptAt?: number }): Promise<void> {
    const entry: DeliveryLogEntry = {
      deliveryId: delivery.deliveryId,
      webhookId: request.webhookId,
      campaignId: delivery.campaignId,
      customerId: delivery.customerId,
      attempt: request.attempt,
      outcome: attempt.outcome,
      at: attempt.attemptedAt ?? Date.now(),
      statusCode: attempt.statusCode ?? null,
      latencyMs: attempt.latencyMs,
      error: attempt.error ?? null,
      responseExcerpt: attempt.responseExcerpt ?? null,
      ...(attempt.nextAttemptAt ? { nextAttemptAt: attempt.nextAttemptAt } : {}),
      ...(request.batch?.id ? { batchId: request.batch.id } : {}),
    };
    const member = JSON.stringify(entry);
    // Two plain writes, not a transaction: the client pipelines them with the delivery's other
    // commands, and a crash between them only leaves one index without the entry.
    const writes: Promise<unknown>[] = [
      this.redis.client.zadd(RedisKeys.deliveryLog(), entry.at, member),
      this.redis.client.zadd(RedisKeys.deliveryLogByWebhook(entry.webhookId), entry.at, member),
    ];
    // Trimming on every write would cost a range delete per attempt; every 200th is plenty.
    if (++this.writes % 200 === 0) {
      const cutoff = Date.now() - this.config.DISPATCH_LOG_RETENTION_HOURS * 3_600_000;
      writes.push(this.redis.client.zremrangebyscore(RedisKeys.deliveryLog(), '-inf', cutoff), this.redis.client.zremrangebyscore(RedisKeys.deliveryLogByWebhook(entry.webhookId), '-inf', cutoff));
    }
    await Promise.all(writes);
  }

  /** Newest first, filtered; nextCursor is null at the end of the range. */
  async query(q: DeliveryLogQuery): Promise<{ items: DeliveryLogEntry[]; nextCursor: number | null }> {
    const key = q.webhookId ? RedisKeys.deliveryLogByWebhook(q.webhookId) : RedisKeys.deliveryLog();
    const items: DeliveryLogEntry[] = [];
    let position = q.cursor;
    for (;;) {
      const chunk = await this.redis.client.zrevrangebyscore(key, q.to, q.from, 'LIMIT', position, SCAN_CHUNK);
      for (let i = 0; i < chunk.length; i++) {
        const entry = JSON.parse(chunk[i]) as DeliveryLogEntry;
        if (matches(entry, q)) items.push(entry);
        if (items.length === q.limit) return { items, nextCursor: position + i + 1 };
      }
      if (chunk.length < SCAN_CHUNK) return { items, nextCursor: null };
      position += chunk.length;
    }
  }

  /** Dead deliveries keep their request (for replay) as long as the log keeps their entries; a batch's, under each item's id. */
  async keepForReplay(request: WebhookRequest): Promise<void> {
    const text = serializeDelivery({ request: forTransit(request), history: [] });
    await Promise.all(deliveriesOf(request).map((d) => this.redis.client.set(RedisKeys.deliveryRequest(d.deliveryId), text, 'EX', this.config.DISPATCH_LOG_RETENTION_HOURS * 3600)));
  }

  async requestForReplay(deliveryId: string): Promise<WebhookRequest | null> {
    const text = await this.redis.client.get(RedisKeys.deliveryRequest(deliveryId));
    return text ? parseDelivery(text).request : null;
  }
}

function matches(e: DeliveryLogEntry, q: DeliveryLogQuery): boolean {
  return (!q.campaignId || e.campaignId === q.campaignId) && (!q.customerId || e.customerId === q.customerId) && (!q.outcome || e.outcome === q.outcome);
}
