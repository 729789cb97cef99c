import { z } from 'zod';
import { apiKeysEnvSchema } from '@cuewire/api-keys';
import { profileLimitsEnvSchema } from '@cuewire/contracts';

export const ingestEnvSchema = z.object({
  ...apiKeysEnvSchema.shape,
  // A PATCH that would take a profile past these is answered 413 (the segmenter applies the same bounds).
  ...profileLimitsEnvSchema.shape,
  /** Most events accepted in one POST /v1/events array. */
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(1_000),
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).default(5 * 1_048_576),
  /** A client eventId seen again within this window is acknowledged as a duplicate, not produced. */
  INGEST_DEDUPE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(86_400),
  /** Bytes produced but not yet acknowledged by Kafka, across all requests; past it ingest answers 429. */
  INGEST_MAX_INFLIGHT_BYTES: z.coerce.number().int().min(1).default(64 * 1_048_576),
  /**
   * Largest event accepted (its Avro record, properties included). The enriched event carries the
   * event and the customer's profile, so keep this plus PROFILE_MAX_BYTES under KAFKA_MAX_MESSAGE_BYTES.
   */
  INGEST_MAX_EVENT_BYTES: z.coerce.number().int().min(1_024).default(512 * 1_024),
  /** How far ahead of the receive time an event time may be (clock skew); further is rejected. */
  INGEST_MAX_FUTURE_SECONDS: z.coerce.number().int().min(0).default(86_400),
  /** NDJSON bulk: events per produce chunk (each chunk is acknowledged before the next is sent). */
  INGEST_BULK_CHUNK_EVENTS: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** NDJSON bulk: longest accepted line; longer lines are reported, never buffered whole. */
  INGEST_MAX_LINE_BYTES: z.coerce.number().int().min(256).default(1_048_576),
});

export type IngestEnv = z.infer<typeof ingestEnvSchema>;
