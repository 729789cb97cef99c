import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { ZodType } from 'zod';
import { validateEnv } from './env-validation.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the process environment against an app's schema at start-up (fail fast, every
 * problem listed) and provides the typed result under APP_CONFIG.
 */
@Module({})
export class CuewireConfigModule {
  static forRoot<T>(schema: ZodType<T>): DynamicModule {
    return {
      module: CuewireConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, validate: (env) => validateEnv(schema, env) as Record<string, unknown> })],
      providers: [{ provide: APP_CONFIG, useFactory: () => validateEnv(schema, process.env) }],
      exports: [APP_CONFIG],
    };
  }
}
