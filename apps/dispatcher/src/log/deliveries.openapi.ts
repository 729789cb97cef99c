import { z } from 'zod';

/** The answers of the replay and endpoint routes for the OpenAPI document (the delivery log itself is the history service's). */
export const replayedSchema = z.object({ replayed: z.number().int() });

export const endpointStateSchema = z.object({
  consecutiveFailures: z.number().int(),
  openUntil: z.number().int().describe('Epoch ms until which the circuit breaker is open; 0 when closed'),
  disabled: z.boolean(),
  reason: z.string(),
  parked: z.number().int().describe('Deliveries parked while the endpoint is disabled'),
});

export const requeuedSchema = z.object({ requeued: z.number().int().describe('Parked deliveries sent on') });
