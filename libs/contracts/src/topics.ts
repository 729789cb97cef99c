import {
  campaignTriggerSchema,
  configRecordSchema,
  customerEventSchema,
  customerProfileSchema,
  customerProfileStateSchema,
  deadLetterSchema,
  deliveryResultSchema,
  enrichedEventSchema,
  webhookRequestSchema,
  webhookRetrySchema,
  webhookDeadLetterSchema,
} from './generated/schemas.js';
import type {
  CampaignTrigger,
  ConfigRecord,
  CustomerEvent,
  CustomerProfileUpdate,
  CustomerProfileState,
  DeadLetter,
  DeliveryResult,
  EnrichedEvent,
  WebhookRequest,
  WebhookRetry,
  WebhookDeadLetter,
} from './generated/types.js';

/**
 * A topic's contract: its name, the Avro schema of its values (registered under
 * `<name>-value`, TopicNameStrategy) and how it is created. Keys are plain UTF-8 strings.
 * `T` is only a type tag, so a handler for a topic gets the right value type.
 */
export interface TopicContract<T> {
  readonly name: string;
  readonly schema: object;
  /** Compacted topics keep the latest record per key (control-plane config). */
  readonly compacted: boolean;
  /** Topic-level settings applied when the topic is created. */
  readonly configs?: Readonly<Record<string, string>>;
  readonly _value?: T;
}

function topic<T>(name: string, schema: object, compacted = false, configs?: Record<string, string>): TopicContract<T> {
  return { name, schema, compacted, configs };
}

/** Every topic Cuewire uses. Names are versioned; change the suffix only with a migration plan. */
export const Topics = {
  /** Stamped with the broker's append time, like enriched events: "not followed by" timers compare deadlines with the segmenter's progress here. */
  customerEvents: topic<CustomerEvent>('cw.customer-events.v1', customerEventSchema, false, { 'message.timestamp.type': 'LogAppendTime' }),
  customerProfiles: topic<CustomerProfileUpdate>('cw.customer-profiles.v1', customerProfileSchema),
  /** The merged profile per customer, latest wins (docs/decisions/0012-durable-state.md): what `cuewire rebuild profiles` restores Redis from. */
  customerProfileState: topic<CustomerProfileState>('cw.customer-profile-state.v1', customerProfileStateSchema, true),
  /**
   * Stamped with the broker's append time: timestamps never go back within a partition, so the
   * evaluator can tell exactly whether it has processed a customer's events up to a deadline
   * (docs/decisions/0013-replay-safe-campaign-engine.md).
   */
  enrichedEvents: topic<EnrichedEvent>('cw.enriched-events.v1', enrichedEventSchema, false, { 'message.timestamp.type': 'LogAppendTime' }),
  campaignTriggers: topic<CampaignTrigger>('cw.campaign-triggers.v1', campaignTriggerSchema),
  webhookRequests: topic<WebhookRequest>('cw.webhook-requests.v1', webhookRequestSchema),
  deliveryResults: topic<DeliveryResult>('cw.delivery-results.v1', deliveryResultSchema),
  deadLetters: topic<DeadLetter>('cw.dead-letters.v1', deadLetterSchema),
  campaignConfig: topic<ConfigRecord>('cw.config.campaigns.v1', configRecordSchema, true),
  webhookConfig: topic<ConfigRecord>('cw.config.webhooks.v1', configRecordSchema, true),
  segmentConfig: topic<ConfigRecord>('cw.config.segments.v1', configRecordSchema, true),
  /** API keys (kind `api-key`): digests of their secrets, never the secrets (docs/decisions/0010-api-keys.md). */
  apiKeyConfig: topic<ConfigRecord>('cw.config.api-keys.v1', configRecordSchema, true),
  /** Delay tiers of the dispatcher (see docs/decisions/0009-dispatcher.md): each holds a record its tier's delay after it was appended. */
  webhookRetry1s: topic<WebhookRetry>('cw.webhook-requests.retry-1s.v1', webhookRetrySchema),
  webhookRetry5s: topic<WebhookRetry>('cw.webhook-requests.retry-5s.v1', webhookRetrySchema),
  webhookRetry30s: topic<WebhookRetry>('cw.webhook-requests.retry-30s.v1', webhookRetrySchema),
  webhookRetry5m: topic<WebhookRetry>('cw.webhook-requests.retry-5m.v1', webhookRetrySchema),
  webhookRetry30m: topic<WebhookRetry>('cw.webhook-requests.retry-30m.v1', webhookRetrySchema),
  webhookRetry2h: topic<WebhookRetry>('cw.webhook-requests.retry-2h.v1', webhookRetrySchema),
  /** Deliveries that will not be attempted again, with every attempt. */
  webhookDeadLetters: topic<WebhookDeadLetter>('cw.webhook-dead-letters.v1', webhookDeadLetterSchema),
} as const;

/**
 * Consumer groups (without the install prefix) whose progress another service reads: a "not
 * followed by" timer waits until both have processed the customer's events up to its deadline.
 */
export const ConsumerGroups = { segmenter: 'segmenter', campaignEvaluator: 'campaign-evaluator' } as const;

export type TopicKey = keyof typeof Topics;
export type ValueOf<C> = C extends TopicContract<infer T> ? T : never;

export const allTopics: readonly TopicContract<unknown>[] = Object.values(Topics);
