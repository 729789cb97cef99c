import { z } from 'zod';

/** Tracing settings, part of every service's settings (ADR 0021). Off unless TRACING_EXPORTER=otlp. */
export const tracingEnvSchema = z.object({
  /** `otlp` exports spans over OTLP/HTTP (JSON); `none` (default) registers no tracer at all, so nothing is recorded or sent. */
  TRACING_EXPORTER: z.enum(['none', 'otlp']).default('none'),
  /** Where spans go: an OpenTelemetry Collector's (or any OTLP receiver's) traces endpoint. */
  TRACING_OTLP_URL: z.url().default('http://127.0.0.1:4318/v1/traces'),
  /** Share of new traces kept (a trace continued from a caller follows the caller's decision). */
  TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** Spans are sent in batches at least this often. */
  TRACING_EXPORT_DELAY_MS: z.coerce.number().int().min(10).default(5_000),
});

export type TracingEnv = z.infer<typeof tracingEnvSchema>;
