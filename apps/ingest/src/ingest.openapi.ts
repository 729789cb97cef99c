import { z } from 'zod';
import { eventInputSchema } from './events/event-input.schema.js';

/** The request and answer shapes of the ingest API for the OpenAPI document. */
export const eventsBody = z.union([eventInputSchema, z.array(eventInputSchema).min(1).describe('At most INGEST_MAX_BATCH events')]);

export const acceptedEventsSchema = z.object({
  accepted: z.number().int().describe('Events produced by this request (duplicates excluded)'),
  eventIds: z.array(z.string()).describe('Every event’s id, in request order (duplicates included)'),
  duplicates: z.array(z.string()).describe('Client eventIds already ingested within the dedupe window: acknowledged, not produced again'),
});

export const bulkResultSchema = z.object({
  lines: z.number().int().describe('Lines read, blank ones included'),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), path: z.string(), message: z.string() })).describe('The first 1000 problems, each with its line and JSON path'),
  errorsTruncated: z.boolean(),
});

export const profileAcceptedSchema = z.object({ customerId: z.string() });
