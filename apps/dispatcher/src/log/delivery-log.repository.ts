import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryAttempt, WebhookRequest } from '@cuewire/contracts';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { DispatcherEnv } from '../dispatcher.env.js';
import { deliveriesOf, forTransit, type DeliveryRef } from '../batches/batch-requests.js';
import { parseDelivery, serializeDelivery } from '../endpoints/endpoint-health.repository.js';

/** Only DEAD is written now; earlier versions wrote the others too, and their entries stay until they age out. */
export type LoggedOutcome = 'DELIVERED' | 'RETRY_SCHEDULED' | 'DEAD' | 'SKIPPED_DUPLICATE' | 'PARKED' | 'DEFERRED';

type DeadAttempt = Partial<DeliveryAttempt> & { readonly latencyMs: number; readonly error: string };

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
  readonly webhookId: string;
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
 * The dispatcher's replay store (ADR 0016): the requests of dead deliveries, and per webhook a window of their entries (a sorted set of
 * JSON entries by time, what `replay-failed` reads), trimmed to DISPATCH_LOG_RETENTION_HOURS.
 * Every outcome, attempted or not, is a record on the delivery-results topic; the history
 * service keeps the searchable log from it (PostgreSQL). Entries of other outcomes, which
 * earlier versions wrote here on every attempt (and into a global index) and nothing read, age
 * out with the retention.
 */
@Injectable()
export class DeliveryLogRepository {
  private writes = 0;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {}

  /** A dead delivery's request, kept for replay, and its entry; for a batch, under each item's id. */
  async recordDead(request: WebhookRequest, attempt: DeadAttempt): Promise<void> {
    const text = serializeDelivery({ request: forTransit(request), history: [] });
    const ttlSeconds = this.config.DISPATCH_LOG_RETENTION_HOURS * 3600;
    await Promise.all(
      deliveriesOf(request).flatMap((delivery) => [this.redis.client.set(RedisKeys.deliveryRequest(delivery.deliveryId), text, 'EX', ttlSeconds), this.recordEntry(request, delivery, attempt)]),
    );
  }

  private async recordEntry(request: WebhookRequest, delivery: DeliveryRef, attempt: DeadAttempt): Promise<void> {
    const entry: DeliveryLogEntry = {
      deliveryId: delivery.deliveryId,
      webhookId: request.webhookId,
      campaignId: delivery.campaignId,
      customerId: delivery.customerId,
      attempt: request.attempt,
      outcome: 'DEAD',
      at: attempt.attemptedAt ?? Date.now(),
      statusCode: attempt.statusCode ?? null,
      latencyMs: attempt.latencyMs,
      error: attempt.error,
      responseExcerpt: attempt.responseExcerpt ?? null,
      ...(request.batch?.id ? { batchId: request.batch.id } : {}),
    };
    const key = RedisKeys.deliveryLogByWebhook(entry.webhookId);
    const writes: Promise<unknown>[] = [this.redis.client.zadd(key, entry.at, JSON.stringify(entry))];
    // Trimming on every write would cost a range delete per entry; every 200th is plenty.
    if (++this.writes % 200 === 0) writes.push(this.redis.client.zremrangebyscore(key, '-inf', Date.now() - this.config.DISPATCH_LOG_RETENTION_HOURS * 3_600_000));
    await Promise.all(writes);
  }

  /** Newest first, filtered; nextCursor is null at the end of the range. */
  async query(q: DeliveryLogQuery): Promise<{ items: DeliveryLogEntry[]; nextCursor: number | null }> {
    const key = RedisKeys.deliveryLogByWebhook(q.webhookId);
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

  async requestForReplay(deliveryId: string): Promise<WebhookRequest | null> {
    const text = await this.redis.client.get(RedisKeys.deliveryRequest(deliveryId));
    return text ? parseDelivery(text).request : null;
  }
}

function matches(e: DeliveryLogEntry, q: DeliveryLogQuery): boolean {
  return (!q.campaignId || e.campaignId === q.campaignId) && (!q.customerId || e.customerId === q.customerId) && (!q.outcome || e.outcome === q.outcome);
}
