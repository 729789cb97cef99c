import { z } from 'zod';

export const ENGAGEMENT_TYPES = [
  'email_delivered',
  'email_open',
  'email_click',
  'email_bounce',
  'sms_delivered',
  'sms_click',
  'push_view',
  'push_click',
] as const;

export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];

/**
 * One engagement as every adapter (SendGrid, Twilio, Smartech, Standard Webhooks, the
 * tracking pixel and redirect, the generic endpoint) hands it to the recording use case.
 */
export interface Engagement {
  readonly customerId: string;
  readonly type: EngagementType;
  /** Which adapter saw it: sendgrid | twilio | smartech | standard-webhooks | tracking | api. */
  readonly provider: string;
  readonly deliveryId?: string;
  readonly campaignId?: string;
  /** The clicked link, for *_click. */
  readonly url?: string;
  /** Unique per callback when the provider has one (sg_event_id, webhook-id, …): the dedupe key. */
  readonly providerEventId?: string;
  readonly occurredAt?: number;
  readonly properties?: Readonly<Record<string, unknown>>;
}

const id = z.string().min(1).max(200);

/** The normalized engagement body of POST /v1/feedback/engagements and Standard-Webhooks callbacks. */
export const engagementInputSchema = z
  .object({
    customerId: id,
    type: z.enum(ENGAGEMENT_TYPES),
    deliveryId: id.optional(),
    campaignId: id.optional(),
    url: z.url({ protocol: /^https?$/ }).max(4_096).optional(),
    occurredAt: z.number().int().nonnegative().optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type EngagementInput = z.infer<typeof engagementInputSchema>;

/** What a provider adapter made of one callback: our engagements, and how many items were not ours. */
export interface MappedCallback {
  readonly engagements: Engagement[];
  /** Items skipped on purpose: event kinds we don't track, or mail/messages Cuewire did not send. */
  readonly ignored: number;
}

/** Only absolute http(s) links are kept as click URLs. */
export function httpUrlOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 4_096) return undefined;
  return /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value) ? value : undefined;
}
