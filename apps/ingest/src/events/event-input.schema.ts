import { z } from 'zod';

const timestamp = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);

/** One event as clients send it to POST /v1/events. */
export const eventInputSchema = z
  .object({
    eventId: z.string().min(1).max(200).optional(),
    customerId: z.string().min(1).max(200),
    type: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1-100 letters, digits or _ . : -'),
    occurredAt: timestamp.optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type EventInput = z.infer<typeof eventInputSchema>;
