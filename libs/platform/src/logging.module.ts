import { isSpanContextValid, trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import type { BaseEnv } from './base-env.schema.js';
import { APP_CONFIG } from './config.module.js';

/** Structured JSON logs (pino). Secrets never reach logs: auth headers are redacted. */
export const CuewireLoggerModule = LoggerModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: BaseEnv) => ({
    pinoHttp: {
      level: config.LOG_LEVEL,
      mixin: traceIds,
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
    },
  }),
});

/** Every log line written while a span is active names its trace (tracing on; nothing otherwise). */
function traceIds(): object {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
