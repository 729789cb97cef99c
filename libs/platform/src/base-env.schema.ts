import { z } from 'zod';
import { tracingEnvSchema } from './tracing/tracing.env.js';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/**
 * Settings every Cuewire service reads. Each app extends this with its own keys; the merged
 * schema is the single source of truth for names, types and defaults (see README).
 */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().default('cuewire'),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
  /** Prepended to every topic and schema subject, so installs (or test runs) can share a cluster. */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ - only').default(''),
  /** Largest record a service produces: the brokers' message.max.bytes less framing (Kafka's default is 1,048,588). */
  KAFKA_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1_024).default(1_000_000),
  /** Consumer group names are prefixed, so several installs can share one cluster. */
  KAFKA_GROUP_PREFIX: z.string().default('cuewire'),
  /** Records a consumer holds fetched and not yet complete; fetching pauses above it. */
  KAFKA_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(2_000),
  /** A record open this long (an outage, a handler that never ends) makes /health/ready fail. */
  KAFKA_STUCK_AFTER_MS: z.coerce.number().int().min(1_000).default(60_000),
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  /** One server (`redis://…`), or a Redis Cluster's seed nodes as `redis+cluster://host:port,host:port`. */
  REDIS_URL: z.string().default('redis://127.0.0.1:6380'),
  /** A Redis Cluster's seed nodes (`host:port,…`); when set, every service uses the Cluster (REDIS_URL then only lends its credentials). */
  REDIS_CLUSTER_NODES: csv.default([]),
  /** Prefix of every Redis key this install writes. */
  REDIS_KEY_PREFIX: z.string().default('cw:'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
}).extend(tracingEnvSchema.shape);

export type BaseEnv = z.infer<typeof baseEnvSchema>;
