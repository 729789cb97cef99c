import { z } from 'zod';

/** The answers of the delivery log and replay routes for the OpenAPI document (see DeliveryLogEntry, EndpointState). */
export const DELIVERY_OUTCOMES = ['DELIVERED', 'RETRY_SCHEDULED', 'DEAD', 'SKIPPED_DUPLICATE', 'PARKED', 'DEFERRED'] as const;

const deliveryLogEntrySchema = z.object({
  deliveryId: z.string(),
  webhookId: z.string(),
  campaignId: z.string(),
  customerId: z.string(),
  attempt: z.number().int(),
  outcome: z.enum(DELIVERY_OUTCOMES),
  at: z.number().int().describe('Epoch ms'),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable(),
  nextAttemptAt: z.number().int().optional(),
});

export const deliveryPageSchema = z.object({ items: z.array(deliveryLogEntrySchema), nextCursor: z.number().int().nullable().describe('Pass as cursor for the next page; null on the last') });

export const deliverySummarySchema = z.object({ attempts: z.record(z.string(), z.number().int()).describe('Attempts by outcome'), deliveries: z.number().int() });

export const replayedSchema = z.object({ replayed: z.number().int() });

export const endpointStateSchema = z.object({
  consecutiveFailures: z.number().int(),
  openUntil: z.number().int().describe('Epoch ms until which the circuit breaker is open; 0 when closed'),
  disabled: z.boolean(),
  reason: z.string(),
  parked: z.number().int().describe('Deliveries parked while the endpoint is disabled'),
});

export const requeuedSchema = z.object({ requeued: z.number().int().describe('Parked deliveries sent on') });
