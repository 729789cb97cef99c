import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Topics, type DeliveryAttempt, type DeliveryOutcome, type DeliveryResult, type WebhookRequest, type WebhookRetry } from '@cuewire/contracts';
import { deliveryHeaders, mayUseCurrentCredentials, nextRetryDelay, parseDuration, UnsendableRequestError, verdictForStatus, type AttemptVerdict, type RevisionVerdict } from '@cuewire/delivery';
import { backoffMs, classifyFailure, recordOutput, TypedProducer, type OutgoingRecord } from '@cuewire/kafka';
import { APP_CONFIG } from '@cuewire/platform';
import { isSuccessStatus, type Webhook } from '@cuewire/templating';
import { deliveriesOf, forTransit, recordKeyOf, sentAlone, type DeliveryRef } from '../batches/batch-requests.js';
import { DeliveryBatches, isBatched } from '../batches/delivery-batches.js';
import { AlertNotifier } from '../alerts/alert.notifier.js';
import { WebhookCatalog } from '../catalog/webhook.catalog.js';
import type { DispatcherEnv } from '../dispatcher.env.js';
import { EndpointHealthRepository } from '../endpoints/endpoint-health.repository.js';
import { EndpointAdmissionRepository, type Admission } from '../endpoints/endpoint-admission.repository.js';
import { LocalSlots } from '../endpoints/local-slots.js';
import { DeliveryLogRepository } from '../log/delivery-log.repository.js';
import { tierFor } from '../pipeline/delay-tiers.js';
import { Semaphore } from '../pipeline/semaphore.js';
import { CustomerOrder, deferralBackoffMs } from './customer-order.js';
import { DeliveryMarksRepository } from './delivery-marks.repository.js';
import { countDeferral, countDeliveryResult } from './delivery.metrics.js';
import { WebhookHttp } from './webhook-http.provider.js';

type Granted = Extract<Admission, { kind: 'granted' }>;

/** How a step ended, as far as the customer's order is concerned. */
interface StepOutcome {
  /** Handed to a delay tier: it is, or stays, in the customer's queue. */
  readonly deferred: boolean;
  /** The customer's pair has a queue, so the outcome is reported to it. */
  readonly queued: boolean;
}

const DEFERRED: StepOutcome = { deferred: true, queued: true };
const NOT_QUEUED: StepOutcome = { deferred: false, queued: false };

/** An attempt's answer (or transport error) before its outcome is recorded. */
interface Sent {
  readonly verdict: AttemptVerdict;
  readonly done: DeliveryAttempt;
}

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
  private readonly localSlots = new LocalSlots();
  private readonly requestSlots: Semaphore;

  constructor(
    private readonly webhooks: WebhookCatalog,
    private readonly marks: DeliveryMarksRepository,
    private readonly http: WebhookHttp,
    private readonly producer: TypedProducer,
    private readonly admission: EndpointAdmissionRepository,
    private readonly health: EndpointHealthRepository,
    private readonly log: DeliveryLogRepository,
    private readonly alerts: AlertNotifier,
    private readonly batches: DeliveryBatches,
    private readonly order: CustomerOrder,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {
    this.defaultSchedule = config.DISPATCH_RETRY_SCHEDULE.map(parseDuration);
    this.requestSlots = new Semaphore(config.DISPATCH_MAX_IN_FLIGHT);
    // A batch goes out as one delivery: the same admission, attempt, retries and dead letter.
    this.batches.start((request) => this.execute({ request, history: [] }));
  }

  async execute(pending: PendingDelivery): Promise<void> {
    const { request, history } = pending;
    if (request.batchItem) {
      const webhook = this.webhooks.get(request.webhookId);
      // Held until its batch has a durable outcome, so its record completes only then.
      if (webhook?.enabled && isBatched(webhook)) return this.batches.collect(webhook, request);
      // Batching turned off since it was rendered: alone. Disabled or unknown: parked or dead like any delivery.
      await this.step({ request: webhook && !webhook.batch ? sentAlone(webhook, request) : request, history }, false);
      return;
    }
    // A batch has no customer of its own; its items were collected in the order they were rendered.
    const ordered = this.config.DISPATCH_ORDERING === 'customer' && !request.batch;
    const { deferred, queued } = await this.step(pending, ordered);
    // Only a pair with a queue can hold this delivery (it joins one when it is deferred).
    if (queued && !deferred) await this.durably('order', () => this.order.settled(request.webhookId, request.customerId, request.deliveryId));
  }

  private async step(pending: PendingDelivery, ordered: boolean): Promise<StepOutcome> {
    const { history } = pending;
    let { request } = pending;
    const webhook = this.webhooks.get(request.webhookId);
    // A retry, a parked delivery or a replay rendered before the webhook moved host: never hand
    // the current credentials to the old host.
    const revision = webhook?.enabled ? mayUseCurrentCredentials(request, webhook) : undefined;
    if (!webhook || !revision?.send) {
      // No admission follows, so the customer's order is checked on its own.
      const order = ordered ? await this.order.check(request.webhookId, request.customerId, request.deliveryId) : undefined;
      if (order?.wait) return this.defer(request, history, Math.max(order.until - Date.now() + 50, deferralBackoffMs(order.waitingSince, Date.now())), 'ordered');
      await this.notSendable(webhook, revision, request, history);
      return { deferred: false, queued: order?.queued ?? false };
    }
    if (request.batch) {
      const batch = await this.prepareBatch(webhook, request, history);
      if (!batch) return NOT_QUEUED;
      request = batch;
    }
    // One of the process-wide request slots (FIFO: a backlog waits here without a deadline),
    // then a slot of this endpoint: a short local wait absorbs bursts, but an endpoint too busy
    // to serve the delivery within DISPATCH_BUSY_WAIT_MS hands it to a delay tier, where it
    // waits without holding anything, so a slow endpoint cannot hold up the others.
    const step: { refused: Exclude<Admission, Granted> } | { granted: Granted; sent: Sent } = await this.requestSlots.run(async () => {
      const deadline = Date.now() + this.config.DISPATCH_BUSY_WAIT_MS;
      const local = await this.localSlots.acquire(webhook.id, this.config.DISPATCH_ENDPOINT_CONCURRENCY, this.config.DISPATCH_BUSY_WAIT_MS);
      if (!local) return { refused: await this.busyHere(request, ordered) };
      try {
        const admission = await this.admit(webhook, request, deadline, ordered);
        return admission.kind === 'granted' ? { granted: admission, sent: await this.send(webhook, request) } : { refused: admission };
      } finally {
        local();
      }
    });
    if ('refused' in step) {
      const { refused } = step;
      const { queued } = refused;
      // A delivery that has waited long comes back less often (deferralBackoffMs).
      const backoff = deferralBackoffMs(refused.waitingSince, Date.now());
      switch (refused.kind) {
        case 'duplicate':
          await this.skipDuplicate(request);
          return { deferred: false, queued };
        case 'disabled':
          await this.park(webhook, request, history, `endpoint disabled: ${refused.reason}`);
          return { deferred: false, queued };
        case 'ordered':
          // An earlier delivery of this customer to this webhook is on a delay tier: go behind it.
          return this.defer(request, history, Math.max(refused.until - Date.now() + 50, backoff), 'ordered');
        default:
          return this.defer(request, history, Math.max(refused.retryInMs, backoff), refused.kind);
      }
    }
    const { granted: admission, sent } = step;
    // The slots cover the request to the endpoint only: recording the outcome does not hold them.
    // Releasing it after a success also marks the delivery acknowledged. From here on every write
    // is retried in place until it is durable: failing the step would attempt the request again,
    // and could fork a second retry chain for the same delivery.
    await this.durably('release', () => admission.release(sent.verdict.kind === 'delivered'));
    const deferred = (await this.settle(webhook, request, history, sent)) === 'deferred';
    return { deferred, queued: admission.queued };
  }

  /**
   * No local slot of the endpoint came free in time: no admission follows, so the customer's
   * order (and how long this delivery has waited in it) is checked on its own.
   */
  private async busyHere(request: WebhookRequest, ordered: boolean): Promise<Exclude<Admission, Granted>> {
    const order = ordered ? await this.order.check(request.webhookId, request.customerId, request.deliveryId) : undefined;
    const { queued = false, waitingSince = 0 } = order ?? {};
    if (order?.wait) return { kind: 'ordered', until: order.until, queued, waitingSince };
    return { kind: 'busy', retryInMs: 1_000, queued, waitingSince };
  }

  /**
   * A delivery that is not attempted: dead (rendered for the webhook's old host, or the webhook
   * is unknown), parked (webhook disabled), or a duplicate of an acknowledged one. `revision` is
   * there only for an enabled webhook.
   */
  private async notSendable(webhook: Webhook | undefined, revision: RevisionVerdict | undefined, request: WebhookRequest, history: readonly DeliveryAttempt[]): Promise<void> {
    if (revision && !revision.send) return this.dead(request, history, revision.reason);
    // No admission here, so the acknowledged-delivery check is done on its own.
    if (await this.marks.wasDelivered(request.webhookId, request.deliveryId)) return this.skipDuplicate(request);
    if (!webhook) return this.dead(request, history, `webhook ${request.webhookId} is unknown to this dispatcher (deleted, or its config is invalid)`);
    return this.park(webhook, request, history, 'webhook disabled');
  }

  /** Retries one write after an attempt until Redis/Kafka take it; only a content failure ends it. */
  private async durably<R>(step: string, write: () => Promise<R>): Promise<R> {
    for (let failures = 0; ; failures++) {
      try {
        return await write();
      } catch (error) {
        if (classifyFailure(error) === 'content' || failures >= 1_000) throw error;
        if (failures % 10 === 0) this.logger.warn({ msg: 'write after an attempt failed; retrying it alone', step, err: (error as Error).message });
        await sleep(backoffMs(failures, 100, 5_000));
      }
    }
  }

  /**
   * A batch before its attempt: items a receiver already acknowledged are recorded as duplicates
   * and left out, the rest rendered into one body. Null when nothing is left to send (or the
   * batch template cannot render the items: then they are dead, with the template's error).
   */
  private async prepareBatch(webhook: Webhook, request: WebhookRequest, history: readonly DeliveryAttempt[]): Promise<WebhookRequest | null> {
    const prepared = await this.batches.prepare(webhook, request);
    if (prepared.acknowledged.length > 0) await this.skipDuplicate({ ...request, batch: { id: request.batch!.id, items: [...prepared.acknowledged] } });
    if (prepared.unrenderable !== undefined && prepared.request) {
      await this.dead(prepared.request, history, prepared.unrenderable);
      return null;
    }
    return prepared.request;
  }

  private async skipDuplicate(request: WebhookRequest): Promise<void> {
    await this.producer.send(this.results(request, 'SKIPPED_DUPLICATE', { latencyMs: 0 }));
  }

  /**
   * Admission (with the customer's order when `ordered`), retried while the endpoint is busy in
   * other replicas (or rate-limited) and the wait fits before the deadline.
   */
  private async admit(webhook: Webhook, request: WebhookRequest, deadline: number, ordered: boolean): Promise<Admission> {
    const limits = {
      concurrency: this.config.DISPATCH_ENDPOINT_CONCURRENCY,
      rate: webhook.rateLimit,
      leaseMs: webhook.timeoutMs + 5_000,
      probeLeaseMs: this.config.DISPATCH_BREAKER_COOLDOWN_MS,
      deliveredTtlSeconds: this.config.DISPATCH_DELIVERED_TTL_SECONDS,
    };
    for (;;) {
      const admission = await this.admission.admit(webhook.id, request.deliveryId, limits, ordered ? { customerId: request.customerId, graceMs: this.order.graceMs } : undefined);
      if (admission.kind !== 'busy' || Date.now() + admission.retryInMs > deadline) return admission;
      await sleep(Math.min(admission.retryInMs, 25 + Math.random() * 25));
    }
  }

  /** Kept, not dropped: re-enabling the endpoint sends parked deliveries again. */
  private async park(webhook: Webhook, request: WebhookRequest, history: readonly DeliveryAttempt[], reason: string): Promise<void> {
    // A batch parks (or, over the cap, dies) whole: one parked entry standing for its items.
    if (!(await this.health.park(webhook.id, { request, history }))) {
      return this.dead(request, history, `${reason}, and its parked deliveries are at DISPATCH_PARKED_MAX (${this.config.DISPATCH_PARKED_MAX}): replay this one once the endpoint is enabled`);
    }
    await this.producer.send(this.results(request, 'PARKED', { latencyMs: 0, error: reason }));
  }

  /** One HTTP attempt; transport errors become a retry verdict, a request that can never be sent a final one. */
  private async send(webhook: Webhook, request: WebhookRequest): Promise<Sent> {
    const body = request.body.toString('utf8');
    const attemptedAt = Date.now();
    const batchId = request.batch?.id ?? null;
    try {
      const headers = deliveryHeaders(request.headers, request.deliveryId, body, this.webhooks.credentials(webhook));
      const response = await this.http.attempt({ method: request.method, url: request.url, headers, body, timeoutMs: webhook.timeoutMs }, request);
      const verdict = verdictForStatus(response.statusCode, (s) => isSuccessStatus(webhook.successCodes, s), response.headers['retry-after']);
      const excerpt = response.bodyExcerpt.slice(0, 1024);
      const error = verdict.kind === 'delivered' ? null : `receiver answered ${response.statusCode}`;
      return { verdict, done: { attempt: request.attempt, attemptedAt, statusCode: response.statusCode, latencyMs: response.latencyMs, error, responseExcerpt: excerpt, batchId } };
    } catch (error) {
      return {
        verdict: error instanceof UnsendableRequestError ? { kind: 'give-up', reason: error.message } : { kind: 'retry', minDelayMs: 0 },
        done: { attempt: request.attempt, attemptedAt, statusCode: null, latencyMs: Date.now() - attemptedAt, error: describe(error), responseExcerpt: null, batchId },
      };
    }
  }

  /** Makes an attempt's outcome durable: delivered mark and result, or the next attempt on a delay tier, or the dead letter. */
  private async settle(webhook: Webhook, request: WebhookRequest, history: readonly DeliveryAttempt[], { verdict, done }: Sent): Promise<'deferred' | void> {
    const allAttempts = [...history, done];
    if (verdict.kind === 'delivered') {
      // The acknowledged mark was set with the lease release; these are independent writes, all
      // acknowledged before the offset may be committed, issued together so they share round trips.
      await Promise.all([
        // Each item of a batch the receiver accepted is acknowledged: no later batch carries it again.
        ...(request.batch ? [this.durably('marks', () => this.batches.markDelivered(webhook.id, request.batch!.items))] : []),
        this.durably('result', () => this.producer.send(this.results(request, 'DELIVERED', done))),
      ]);
      return;
    }
    const change = await this.durably('health', () => this.health.recordFailure(webhook.id, verdict.kind === 'gone' ? verdict.reason : null));
    if (change) void this.alerts.notify(webhook, change, done).catch((e: Error) => this.logger.warn({ msg: 'alert failed', webhookId: webhook.id, err: e.message }));
    if (verdict.kind === 'retry') {
      const delay = nextRetryDelay(this.scheduleOf(webhook), request.attempt, verdict.minDelayMs);
      if (delay !== null) {
        const next = { ...request, attempt: request.attempt + 1, notBefore: Date.now() + delay };
        await this.durably('retry', () => this.producer.send([...this.results(request, 'RETRY_SCHEDULED', done), this.onTier(next, allAttempts, delay, 'retry')]));
        // The customer's later deliveries to this webhook go behind the retry, as behind any deferral.
        if (this.config.DISPATCH_ORDERING === 'customer' && !request.batch) await this.durably('order', () => this.order.deferred(request.webhookId, request.customerId, request.deliveryId, next.notBefore));
        return 'deferred';
      }
    }
    const reason = verdict.kind === 'retry' ? `no attempts left after ${request.attempt}: ${done.error}` : verdict.reason;
    await this.dead(request, allAttempts, reason, done);
  }

  /** Moves a delivery onto a delay tier without using an attempt (endpoint busy or paused, or behind the customer's earlier one). */
  private async defer(request: WebhookRequest, history: readonly DeliveryAttempt[], delayMs: number, reason: 'busy' | 'paused' | 'ordered'): Promise<StepOutcome> {
    const wait = Math.max(delayMs, 200);
    const notBefore = Date.now() + wait;
    // Queued before its tier record exists: a crash in between holds the customer's later
    // deliveries (until the moment plus grace) rather than letting them overtake this one.
    if (this.config.DISPATCH_ORDERING === 'customer' && !request.batch) await this.order.deferred(request.webhookId, request.customerId, request.deliveryId, notBefore);
    await this.producer.send([this.onTier({ ...request, notBefore }, history, wait, reason)]);
    countDeferral(request.webhookId, reason);
    return DEFERRED;
  }

  private async dead(request: WebhookRequest, history: readonly DeliveryAttempt[], reason: string, last?: DeliveryAttempt): Promise<void> {
    const deadAt = Date.now();
    await this.durably('dead-letter', () =>
      this.producer.send([
        ...this.results(request, 'DEAD', { ...(last ?? { latencyMs: 0 }), error: reason }),
        recordOutput(Topics.webhookDeadLetters, recordKeyOf(request), { request: forTransit(request), history: [...history], reason, deadAt }),
      ]),
    );
    await this.durably('replay-store', () => this.log.recordDead(request, { ...(last ?? { latencyMs: 0 }), error: reason }));
  }

  private onTier(request: WebhookRequest, history: readonly DeliveryAttempt[], delayMs: number, reason: string): OutgoingRecord<WebhookRetry> {
    return recordOutput(tierFor(delayMs).topic, recordKeyOf(request), { request: forTransit(request), history: [...history], reason });
  }

  private scheduleOf(webhook: Webhook): number[] {
    return webhook.retry.schedule.length > 0 ? webhook.retry.schedule.map(parseDuration) : this.defaultSchedule;
  }

  /** The outcome's result records: one per delivery (each item of a batch, with the batch id). */
  private results(request: WebhookRequest, outcome: DeliveryOutcome, d: Partial<DeliveryAttempt> & { latencyMs: number }): OutgoingRecord[] {
    return deliveriesOf(request).map((delivery) => this.result(request, delivery, outcome, d));
  }

  private result(request: WebhookRequest, delivery: DeliveryRef, outcome: DeliveryOutcome, d: Partial<DeliveryAttempt> & { latencyMs: number }): OutgoingRecord {
    countDeliveryResult(request.webhookId, outcome, d);
    return recordOutput(Topics.deliveryResults, delivery.customerId, {
      deliveryId: delivery.deliveryId,
      triggerId: delivery.triggerId,
      webhookId: request.webhookId,
      campaignId: delivery.campaignId,
      customerId: delivery.customerId,
      attempt: request.attempt,
      outcome,
      statusCode: d.statusCode ?? null,
      latencyMs: d.latencyMs,
      error: d.error ?? null,
      responseExcerpt: d.responseExcerpt ?? null,
      attemptedAt: d.attemptedAt ?? Date.now(),
      errorPath: null,
      // The rendered request (no auth or signature headers: those are added when sending), for the delivery history.
      requestMethod: request.method,
      requestUrl: request.url,
      requestHeaders: request.headers,
      requestBodyExcerpt: request.body.toString('utf8', 0, 2048),
      // A batch has no variant of its own: each item's result carries its item's.
      variant: delivery.variant ?? null,
      batchId: request.batch?.id ?? null,
    } satisfies DeliveryResult);
  }
}

/** undici errors carry the useful part in `cause` or `code` (timeouts, resets, refusals). */
function describe(error: unknown): string {
  const e = error as Error & { code?: string; cause?: Error & { code?: string } };
  const code = e.code ?? e.cause?.code;
  return [e.name, code, e.message].filter(Boolean).join(': ');
}
