import { LoggerModule } from 'nestjs-pino';
import type { BaseEnv } from './base-env.schema.js';
import { APP_CONFIG } from './config.module.js';
import { traceLogFields } from './tracing/trace-log-fields.js';

/** Structured JSON logs (pino). Secrets never reach logs: auth headers are redacted. */
export const CuewireLoggerModule = LoggerModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: BaseEnv) => ({
    pinoHttp: {
      level: config.LOG_LEVEL,
      mixin: traceLogFields,
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
    },
  }),
});
