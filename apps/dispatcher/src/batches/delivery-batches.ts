import { Inject, Injectable } from '@nestjs/common';
import type { WebhookBatchItem, WebhookRequest } from '@cuewire/contracts';
import { APP_CONFIG } from '@cuewire/platform';
import { CompiledBatch, createTemplateEngine, defaultTemplateLimits, encodeBody, RenderError, type Webhook } from '@cuewire/templating';
import { DeliveryMarksRepository } from '../deliveries/delivery-marks.repository.js';
import type { DispatcherEnv } from '../dispatcher.env.js';
import { BatchCollector } from './batch.collector.js';
import { observeHeldItems } from './batch.metrics.js';
import { batchGroupOf, batchRequestOf, withItems } from './batch-requests.js';

/** A batch ready for its attempt (null: every item was acknowledged already), and the items dropped from it because a receiver acknowledged them. */
export interface PreparedBatch {
  readonly request: WebhookRequest | null;
  readonly acknowledged: readonly WebhookBatchItem[];
  /** Why the batch template cannot render these items (the request then has no body). */
  readonly unrenderable?: string;
}

export type BatchedWebhook = Webhook & { readonly batch: NonNullable<Webhook['batch']> };

export const isBatched = (webhook: Webhook): webhook is BatchedWebhook => webhook.batch !== undefined;

/**
 * Batched webhooks (ADR 0023): items are collected per webhook (BatchCollector) and go out as one
 * request; before each attempt the items a receiver already acknowledged are dropped and the body
 * is rendered from the rest with the webhook's batch template. Delivered marks are kept per item,
 * so an acknowledged item never travels again, in this batch or another.
 */
@Injectable()
export class DeliveryBatches {
  private collector?: BatchCollector<WebhookRequest>;
  private readonly engine: ReturnType<typeof createTemplateEngine>;
  private readonly compiled = new Map<string, CompiledBatch>();

  constructor(
    private readonly marks: DeliveryMarksRepository,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {
    // A batch body holds up to DISPATCH_BATCH_MAX_BYTES of items (plus the one that crossed it)
    // and what the template adds around each.
    this.engine = createTemplateEngine({ maxOutputBytes: 2 * config.DISPATCH_BATCH_MAX_BYTES + defaultTemplateLimits.maxOutputBytes });
  }

  /** `send` takes a batch to a durable outcome (the executor's step, as for any delivery). */
  start(send: (batch: WebhookRequest) => Promise<void>): void {
    // Half the loop's limit: the loop resumes fetching below half, so held items never keep it paused.
    const collector = new BatchCollector<WebhookRequest>((_, items) => send(batchRequestOf(items)), Math.max(1, Math.floor(this.config.DISPATCH_MAX_PENDING / 2)));
    observeHeldItems(() => collector.held);
    this.collector = collector;
  }

  /** Holds a batch item until its batch has a durable outcome. */
  collect(webhook: BatchedWebhook, item: WebhookRequest): Promise<void> {
    if (!this.collector) throw new Error('DeliveryBatches.start was not called');
    const { maxItems, maxWaitMs } = webhook.batch;
    return this.collector.add(batchGroupOf(item), item, item.body.length, { maxItems, maxWaitMs, maxBytes: this.config.DISPATCH_BATCH_MAX_BYTES });
  }

  /** Shutdown: what is held goes out now (a batch waiting maxWaitMs would outlast the drain). */
  close(): void {
    this.collector?.close();
  }

  /** Before an attempt: drops acknowledged items and renders the rest. */
  async prepare(webhook: Webhook, request: WebhookRequest): Promise<PreparedBatch> {
    const items = request.batch!.items;
    const marked = await Promise.all(items.map((i) => this.marks.wasDelivered(webhook.id, i.deliveryId)));
    const pending = items.filter((_, n) => !marked[n]);
    const acknowledged = items.filter((_, n) => marked[n]);
    if (pending.length === 0) return { request: null, acknowledged };
    try {
      return { request: withItems(request, pending, (id) => this.render(webhook, id, pending)), acknowledged };
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      return { request: withItems(request, pending, () => ''), acknowledged, unrenderable: error.message };
    }
  }

  private render(webhook: Webhook, batchId: string, items: readonly WebhookBatchItem[]): string {
    if (isBatched(webhook)) return this.templateOf(webhook).render(batchId, items);
    // Batching was turned off after these items were collected (a retry, a parked or replayed
    // batch): they still go out together, as a JSON array (plain text: one body per line).
    const joined = webhook.contentType === 'text/plain' ? items.map((i) => i.body).join('\n') : `[${items.map((i) => i.body).join(',')}]`;
    return encodeBody(webhook, joined);
  }

  /** The items of a batch the receiver accepted: never sent again (same TTL as any delivered mark). */
  markDelivered(webhookId: string, items: readonly WebhookBatchItem[]): Promise<void> {
    return this.marks.markDelivered(webhookId, items.map((i) => i.deliveryId), this.config.DISPATCH_DELIVERED_TTL_SECONDS);
  }

  private templateOf(webhook: BatchedWebhook): CompiledBatch {
    const key = `${webhook.id}\u0000${webhook.revision}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      for (const k of this.compiled.keys()) if (k.startsWith(`${webhook.id}\u0000`)) this.compiled.delete(k);
      compiled = new CompiledBatch(this.engine, webhook);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}
