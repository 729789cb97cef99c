import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Topics, type DeliveryAttempt, type DeliveryOutcome, type WebhookRequest, type WebhookRetry } from '@cuewire/contracts';
import { deliveryHeaders, nextRetryDelay, parseDuration, verdictForStatus, type AttemptVerdict } from '@cuewire/delivery';
import { recordOutput, TypedProducer, type OutgoingRecord } from '@cuewire/kafka';
import { APP_CONFIG } from '@cuewire/platform';
import { isSuccessStatus, type Webhook } from '@cuewire/templating';
import { AlertNotifier } from '../alerts/alert.notifier.js';
import { WebhookCatalog } from '../catalog/webhook.catalog.js';
import type { DispatcherEnv } from '../dispatcher.env.js';
import { EndpointHealthRepository } from '../endpoints/endpoint-health.repository.js';
import { EndpointLimitsRepository, type SlotGrant } from '../endpoints/endpoint-limits.repository.js';
import { DeliveryLogRepository } from '../log/delivery-log.repository.js';
import { tierFor } from '../pipeline/delay-tiers.js';
import { DeliveryMarksRepository } from './delivery-marks.repository.js';
import { WebhookHttp } from './webhook-http.provider.js';

/** A delivery as the executor sees it, whichever topic it came from. */
export interface PendingDelivery {
  readonly request: WebhookRequest;
  readonly history: readonly DeliveryAttempt[];
}

/**
 * One delivery step, run to a durable outcome: skip (already acknowledged), park (endpoint
 * disabled), defer (endpoint busy or its circuit open: no attempt used), or attempt and then
 * record the result and either the next attempt on a delay tier or the dead letter. Outputs are
 * acknowledged by Kafka before the offset may be committed (the stream awaits this).
 */
@Injectable()
export class DeliveryExecutor {
  private readonly logger = new Logger('DeliveryExecutor');
  private readonly defaultSchedule: number[];

  constructor(
    private readonly webhooks: WebhookCatalog,
    private readonly marks: DeliveryMarksRepository,
    private readonly http: WebhookHttp,
    private readonly producer: TypedProducer,
    private readonly limits: EndpointLimitsRepository,
    private readonly health: EndpointHealthRepository,
    private readonly log: DeliveryLogRepository,
    private readonly alerts: AlertNotifier,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {
    this.defaultSchedule = config.DISPATCH_RETRY_SCHEDULE.map(parseDuration);
  }

  async execute({ request, history }: PendingDelivery): Promise<void> {
    if (await this.marks.wasDelivered(request.deliveryId)) {
      await this.producer.send([this.result(request, 'SKIPPED_DUPLICATE', { latencyMs: 0 })]);
      return this.log.record(request, { outcome: 'SKIPPED_DUPLICATE', latencyMs: 0 });
    }
    const webhook = this.webhooks.get(request.webhookId);
    if (!webhook) return this.dead(request, history, `webhook ${request.webhookId} is unknown to this dispatcher (deleted, or its config is invalid)`);
    const state = await this.health.state(webhook.id);
    if (state.disabled || !webhook.enabled) {
      // Kept, not dropped: re-enabling the endpoint sends parked deliveries again.
      await this.health.park(webhook.id, { request, history });
      return this.log.record(request, { outcome: 'PARKED', latencyMs: 0, error: state.disabled ? `endpoint disabled: ${state.reason}` : 'webhook disabled' });
    }
    if (state.openUntil > Date.now() && !(await this.health.claimProbe(webhook.id, this.config.DISPATCH_BREAKER_COOLDOWN_MS))) {
      return this.defer(request, history, state.openUntil - Date.now(), 'paused');
    }
    const slot = await this.waitForSlot(webhook);
    if (!slot.granted) return this.defer(request, history, slot.retryInMs, 'busy');
    try {
      await this.attempt(webhook, request, history);
    } finally {
      await slot.release();
    }
  }

  /**
   * A short local wait for a slot absorbs bursts (a free slot is usually milliseconds away);
   * only an endpoint busy for longer than DISPATCH_BUSY_WAIT_MS hands the record to a tier,
   * where it waits without holding anything.
   */
  private async waitForSlot(webhook: Webhook): Promise<SlotGrant> {
    const deadline = Date.now() + this.config.DISPATCH_BUSY_WAIT_MS;
    for (;;) {
      const slot = await this.limits.acquire(webhook.id, this.config.DISPATCH_ENDPOINT_CONCURRENCY, webhook.rateLimit, webhook.timeoutMs + 5_000);
      if (slot.granted || Date.now() + slot.retryInMs > deadline) return slot;
      await sleep(Math.min(slot.retryInMs, 25 + Math.random() * 25));
    }
  }

  private async attempt(webhook: Webhook, request: WebhookRequest, history: readonly DeliveryAttempt[]): Promise<void> {
    const body = request.body.toString('utf8');
    const attemptedAt = Date.now();
    let verdict: AttemptVerdict;
    let done: DeliveryAttempt;
    try {
      const headers = deliveryHeaders(request.headers, request.deliveryId, body, this.webhooks.credentials(webhook));
      const response = await this.http.send({ method: request.method, url: request.url, headers, body, timeoutMs: webhook.timeoutMs });
      verdict = verdictForStatus(response.statusCode, (s) => isSuccessStatus(webhook.successCodes, s), response.headers['retry-after']);
      const excerpt = response.bodyExcerpt.slice(0, 1024);
      const error = verdict.kind === 'delivered' ? null : `receiver answered ${response.statusCode}`;
      done = { attempt: request.attempt, attemptedAt, statusCode: response.statusCode, latencyMs: response.latencyMs, error, responseExcerpt: excerpt };
    } catch (error) {
      verdict = { kind: 'retry', minDelayMs: 0 };
      done = { attempt: request.attempt, attemptedAt, statusCode: null, latencyMs: Date.now() - attemptedAt, error: describe(error), responseExcerpt: null };
    }
    const allAttempts = [...history, done];
    if (verdict.kind === 'delivered') {
      await this.marks.markDelivered(request.deliveryId);
      await this.producer.send([this.result(request, 'DELIVERED', done)]);
      await this.log.record(request, { ...done, outcome: 'DELIVERED' });
      return this.health.recordSuccess(webhook.id);
    }
    const change = await this.health.recordFailure(webhook.id, verdict.kind === 'gone' ? verdict.reason : null);
    if (change) void this.alerts.notify(webhook, change, done).catch((e: Error) => this.logger.warn({ msg: 'alert failed', webhookId: webhook.id, err: e.message }));
    if (verdict.kind === 'retry') {
      const delay = nextRetryDelay(this.scheduleOf(webhook), request.attempt, verdict.minDelayMs);
      if (delay !== null) {
        const next = { ...request, attempt: request.attempt + 1, notBefore: Date.now() + delay };
        await this.producer.send([this.result(request, 'RETRY_SCHEDULED', done), this.onTier(next, allAttempts, delay, 'retry')]);
        return this.log.record(request, { ...done, outcome: 'RETRY_SCHEDULED', nextAttemptAt: next.notBefore });
      }
    }
    const reason = verdict.kind === 'retry' ? `no attempts left after ${request.attempt}: ${done.error}` : verdict.reason;
    await this.dead(request, allAttempts, reason, done);
  }

  /** Moves a delivery onto a delay tier without using an attempt (endpoint busy or paused). */
  private async defer(request: WebhookRequest, history: readonly DeliveryAttempt[], delayMs: number, reason: 'busy' | 'paused'): Promise<void> {
    const wait = Math.max(delayMs, 200);
    await this.producer.send([this.onTier({ ...request, notBefore: Date.now() + wait }, history, wait, reason)]);
    await this.log.record(request, { outcome: 'DEFERRED', latencyMs: 0, error: reason === 'busy' ? 'endpoint at its concurrency or rate limit' : 'endpoint paused (circuit open)' });
  }

  private async dead(request: WebhookRequest, history: readonly DeliveryAttempt[], reason: string, last?: DeliveryAttempt): Promise<void> {
    const deadAt = Date.now();
    await this.producer.send([
      this.result(request, 'DEAD', { ...(last ?? { latencyMs: 0 }), error: reason }),
      recordOutput(Topics.webhookDeadLetters, request.customerId, { request, history: [...history], reason, deadAt }),
    ]);
    await this.log.keepForReplay(request);
    await this.log.record(request, { ...(last ?? { latencyMs: 0 }), outcome: 'DEAD', error: reason });
  }

  private onTier(request: WebhookRequest, history: readonly DeliveryAttempt[], delayMs: number, reason: string): OutgoingRecord<WebhookRetry> {
    return recordOutput(tierFor(delayMs).topic, request.customerId, { request, history: [...history], reason });
  }

  private scheduleOf(webhook: Webhook): number[] {
    return webhook.retry.schedule.length > 0 ? webhook.retry.schedule.map(parseDuration) : this.defaultSchedule;
  }

  private result(request: WebhookRequest, outcome: DeliveryOutcome, d: Partial<DeliveryAttempt> & { latencyMs: number }): OutgoingRecord {
    return recordOutput(Topics.deliveryResults, request.customerId, {
      deliveryId: request.deliveryId,
      triggerId: request.triggerId,
      webhookId: request.webhookId,
      campaignId: request.campaignId,
      customerId: request.customerId,
      attempt: request.attempt,
      outcome,
      statusCode: d.statusCode ?? null,
      latencyMs: d.latencyMs,
      error: d.error ?? null,
      responseExcerpt: d.responseExcerpt ?? null,
      attemptedAt: d.attemptedAt ?? Date.now(),
    });
  }
}

/** undici errors carry the useful part in `cause` or `code` (timeouts, resets, refusals). */
function describe(error: unknown): string {
  const e = error as Error & { code?: string; cause?: Error & { code?: string } };
  const code = e.code ?? e.cause?.code;
  return [e.name, code, e.message].filter(Boolean).join(': ');
}
