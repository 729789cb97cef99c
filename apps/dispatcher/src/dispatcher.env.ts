import { z } from 'zod';
import { apiKeysEnvSchema } from '@cuewire/api-keys';
import { DEFAULT_RETRY_SCHEDULE, outboundEnvSchema, parseDuration } from '@cuewire/delivery';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

export const dispatcherEnvSchema = z.object({
  // DISPATCH_ALLOW_PRIVATE_CIDRS, DISPATCH_MAX_RESPONSE_BYTES, CUEWIRE_SECRETS_KEY: shared with the control plane's send test.
  ...outboundEnvSchema.shape,
  ...apiKeysEnvSchema.shape,
  /** How long an acknowledged delivery id is remembered (replays inside it are not re-sent). */
  DISPATCH_DELIVERED_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
  /** Waits before attempts 2, 3, … for webhooks whose retry.schedule is empty. */
  DISPATCH_RETRY_SCHEDULE: list(DEFAULT_RETRY_SCHEDULE.join(',')).refine((l) => l.every((d) => !Number.isNaN(safeDuration(d))), 'durations such as 5s,5m,2h'),
  /** Requests in flight to one webhook at once, across all replicas. */
  DISPATCH_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(20),
  /** How long a delivery may wait in-process for a free slot before it is handed to a delay tier. */
  DISPATCH_BUSY_WAIT_MS: z.coerce.number().int().min(0).default(2_000),
  /**
   * `customer`: one customer's deliveries start in the order they were rendered (a receiver sees
   * a customer's messages in order, retries aside); `none`: every delivery starts at once.
   */
  DISPATCH_ORDERING: z.enum(['customer', 'none']).default('customer'),
  /**
   * How long past its moment a deferred delivery holds the customer's later ones to the same
   * webhook when it does not come back (only a dead-lettered delay-tier record never does). Longer
   * than the delay tiers ever lag: one that comes back late after the hold ended is overtaken
   * (issue #13's cluster run: a 60 s hold let 535 deliveries overtake earlier ones under a backlog).
   */
  DISPATCH_ORDER_GRACE_MS: z.coerce.number().int().min(1_000).default(30 * 60_000),
  /** Records one topic's consumer holds uncommitted (in flight or waiting on an earlier offset) before it pauses fetching. */
  DISPATCH_MAX_PENDING: z.coerce.number().int().min(10).default(20_000),
  /** Requests this process has out at once, across all endpoints and topics; the rest wait their turn (after their endpoint's slot). */
  DISPATCH_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(256),
  /** Consecutive failures that open an endpoint's circuit. */
  DISPATCH_BREAKER_FAILURES: z.coerce.number().int().min(1).default(10),
  /** How long an open circuit waits before a probe. */
  DISPATCH_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).default(30_000),
  /** Failing without a success this long (and past the breaker threshold) disables the endpoint. */
  DISPATCH_DISABLE_AFTER_MS: z.coerce.number().int().min(0).default(24 * 3_600_000),
  /** How long dead deliveries (their requests and log entries, what replay reads) are kept in Redis. */
  DISPATCH_LOG_RETENTION_HOURS: z.coerce.number().min(1).default(72),
  /** The most deliveries kept parked per disabled endpoint; beyond it they go to the dead letters (replayable). */
  DISPATCH_PARKED_MAX: z.coerce.number().int().min(1).default(100_000),
  /** How often every webhook's slice of the delivery log is trimmed to the retention (a quiet webhook's too). */
  DISPATCH_LOG_SWEEP_MS: z.coerce.number().int().min(1_000).default(600_000),
  /** Failure alerts: SMTP URL (smtp://user:pass@host:port), recipients, sender, alert webhook, and the least time between two alerts per endpoint. */
  DISPATCH_ALERT_SMTP_URL: z.string().optional(),
  DISPATCH_ALERT_EMAIL_TO: list(''),
  DISPATCH_ALERT_EMAIL_FROM: z.string().default('cuewire-alerts@localhost'),
  DISPATCH_ALERT_WEBHOOK_URL: z.string().url().optional(),
  DISPATCH_ALERT_PERIOD_SECONDS: z.coerce.number().int().min(1).default(3600),
  /**
   * A batched webhook's batch goes out once its items reach this many bytes, whatever maxItems
   * says: a batch waiting for a retry is one Kafka record, which must stay under the broker's
   * message size limit (1 MiB by default).
   */
  DISPATCH_BATCH_MAX_BYTES: z.coerce.number().int().min(1_024).max(8 * 1024 * 1024).default(512 * 1024),
  /** With tracing on, send the attempt's W3C `traceparent` header to receivers (off: receivers see no tracing header). */
  DISPATCH_SEND_TRACEPARENT: z.stringbool().default(false),
});

function safeDuration(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return Number.NaN;
  }
}

export type DispatcherEnv = z.infer<typeof dispatcherEnvSchema>;
