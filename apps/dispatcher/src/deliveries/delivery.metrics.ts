import { Counter, Histogram } from 'prom-client';
import type { DeliveryAttempt, DeliveryOutcome } from '@cuewire/contracts';

const attempts = new Counter({
  name: 'cuewire_delivery_attempts_total',
  help: 'HTTP attempts to receivers, by webhook, the outcome they led to (DELIVERED, RETRY_SCHEDULED, DEAD) and status class (2xx…5xx, or none for a transport error)',
  labelNames: ['webhook', 'outcome', 'status'],
});

const attemptSeconds = new Histogram({
  name: 'cuewire_delivery_attempt_seconds',
  help: 'Time from sending an attempt to the receiver’s answer (or the transport error), by webhook',
  labelNames: ['webhook'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

const outcomes = new Counter({
  name: 'cuewire_delivery_outcomes_total',
  help: 'Delivery results written, by webhook and outcome, attempted or not (PARKED, SKIPPED_DUPLICATE, and DEAD without an attempt included)',
  labelNames: ['webhook', 'outcome'],
});

const deferrals = new Counter({
  name: 'cuewire_delivery_deferrals_total',
  help: "Deliveries handed to a delay tier without an attempt, by webhook and reason: busy (the endpoint's concurrency or rate limit), paused (circuit open), ordered (behind the customer's earlier delivery to the webhook)",
  labelNames: ['webhook', 'reason'],
});

/** Counts one deferral: flow control, not an outcome, so it has no delivery result. */
export function countDeferral(webhookId: string, reason: 'busy' | 'paused' | 'ordered'): void {
  deferrals.inc({ webhook: webhookId, reason });
}

/** Counts one delivery result; an attempt (it carries `attemptedAt`) also fills the latency histogram. */
export function countDeliveryResult(webhookId: string, outcome: DeliveryOutcome, d: Partial<DeliveryAttempt> & { latencyMs: number }): void {
  outcomes.inc({ webhook: webhookId, outcome });
  if (d.attemptedAt === undefined) return;
  attempts.inc({ webhook: webhookId, outcome, status: d.statusCode ? `${Math.floor(d.statusCode / 100)}xx` : 'none' });
  attemptSeconds.observe({ webhook: webhookId }, d.latencyMs / 1000);
}
