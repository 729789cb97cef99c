import { z } from 'zod';
import type { DeliveryOutcome } from '@cuewire/contracts';
import { id, instant } from '../http/query-fields.js';

/** Every DeliveryOutcome symbol (schemas/delivery-result.avsc); the check below fails to compile when one is missing. */
export const OUTCOMES = ['DELIVERED', 'FAILED', 'RETRY_SCHEDULED', 'DEAD', 'SKIPPED_DUPLICATE', 'RENDER_FAILED', 'PARKED'] as const satisfies readonly DeliveryOutcome[];
const everyOutcomeListed: Exclude<DeliveryOutcome, (typeof OUTCOMES)[number]> extends never ? true : never = true;
void everyOutcomeListed;

const filters = {
  campaignId: id.optional().describe('only this campaign'),
  webhookId: id.optional().describe('only this webhook'),
  customerId: id.optional().describe('only this customer'),
  variant: id.optional().describe('only this A/B test variant (its id; deliveries of campaigns without variants have none)'),
  batchId: id.optional().describe('only the items of this batch (batched webhooks)'),
  from: instant.optional().describe('attempts at or after this time (epoch ms or ISO 8601); default: the whole retention window'),
  to: instant.optional().describe('attempts at or before this time (epoch ms or ISO 8601); default: now'),
};

export const deliverySearchQuery = z
  .object({
    ...filters,
    outcome: z
      .string()
      .transform((s) => s.split(',').map((o) => o.trim()))
      .pipe(z.array(z.enum(OUTCOMES)).min(1))
      .optional()
      .describe(`one outcome or several, comma-separated: ${OUTCOMES.join(', ')}`),
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('attempts per page (1–1000)'),
    cursor: z.string().regex(/^[A-Za-z0-9_-]+$/, 'a nextCursor from a previous page').optional().describe('nextCursor of the previous page'),
  })
  .strict();
export type DeliverySearchQuery = z.infer<typeof deliverySearchQuery>;

export const deliverySummaryQuery = z.object(filters).strict();
export type DeliverySummaryQuery = z.infer<typeof deliverySummaryQuery>;

const requestSent = z
  .object({ method: z.string(), url: z.string(), headers: z.record(z.string(), z.string()), bodyExcerpt: z.string().nullable().describe('the first 2 KiB of the body') })
  .describe('The request as sent, without the auth and signature headers (added at send time, never stored)');

export const deliveryAttemptView = z.object({
  deliveryId: z.string().describe('msg_…: the webhook-id the receiver saw; one per trigger and webhook'),
  triggerId: z.string(),
  webhookId: z.string(),
  campaignId: z.string(),
  customerId: z.string(),
  attempt: z.number().int().describe('1 for the first HTTP attempt (a replay starts again at 1); 0 for RENDER_FAILED (no HTTP attempt)'),
  outcome: z.enum(OUTCOMES),
  attemptedAt: z.number().int().describe('epoch ms'),
  statusCode: z.number().int().nullable().describe("the receiver's HTTP status; null when none (transport error, render failure)"),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
  errorPath: z.string().nullable().describe('RENDER_FAILED: the template that failed (url, headers.<name>, body)'),
  responseExcerpt: z.string().nullable().describe("the start of the receiver's answer (1 KiB)"),
  variant: z.string().nullable().describe("the campaign's A/B test variant this delivery belongs to; null when the campaign has no variants"),
  batchId: z.string().nullable().describe('bat_…: the batch request that carried this delivery (webhooks with batch set; also its webhook-id); null for a request of its own'),
});
export type DeliveryAttemptView = z.infer<typeof deliveryAttemptView>;

export const deliverySearchPage = z.object({
  items: z.array(deliveryAttemptView).describe('newest first'),
  nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page'),
});

export const deliveryDetail = z.object({
  deliveryId: z.string(),
  triggerId: z.string(),
  webhookId: z.string(),
  campaignId: z.string(),
  customerId: z.string(),
  variant: z.string().nullable(),
  outcome: z.enum(OUTCOMES).describe("the latest attempt's outcome"),
  attempts: z.array(deliveryAttemptView.extend({ request: requestSent.nullable() })).describe('oldest first'),
});
export type DeliveryDetail = z.infer<typeof deliveryDetail>;

const outcomeCounts = {
  attempts: z.partialRecord(z.enum(OUTCOMES), z.number().int()).describe('attempts per outcome (outcomes with none are left out)'),
  deliveries: z.number().int().describe('distinct deliveries'),
};

export const deliverySummary = z.object({
  ...outcomeCounts,
  variants: z
    .record(z.string(), z.object(outcomeCounts))
    .describe('the same counts per A/B test variant (by variant id), for the attempts that have one; empty when none has'),
});
export type DeliverySummary = z.infer<typeof deliverySummary>;
