import { z } from 'zod';

export const ingestEnvSchema = z.object({
  /** Most events accepted in one POST /v1/events array. */
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(1_000),
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).default(5 * 1_048_576),
});

export type IngestEnv = z.infer<typeof ingestEnvSchema>;
