import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { z, type ZodObject, type ZodRawShape } from 'zod';
import { baseEnvSchema } from './base-env.schema.js';
import { CuewireConfigModule } from './config.module.js';
import { validateEnv } from './env-validation.js';
import { CuewireLoggerModule } from './logging.module.js';
import { ensureDefaultMetrics } from './metrics.js';
import { PlatformModule } from './platform.module.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';

/** One deployable target (ingest, dispatcher, …): its Nest module and its own settings. */
export interface ServiceTarget {
  readonly name: string;
  readonly module: Type | DynamicModule;
  readonly env: ZodObject<ZodRawShape>;
}

export interface RunningServices {
  readonly app: INestApplication;
  readonly url: string;
  close(): Promise<void>;
}

/** The merged settings schema of a set of targets: the base keys plus each target's own. */
export function envSchemaFor(targets: readonly ServiceTarget[]): ZodObject<ZodRawShape> {
  return targets.reduce<ZodObject<ZodRawShape>>((schema, t) => schema.extend(t.env.shape), baseEnvSchema as ZodObject<ZodRawShape>);
}

/**
 * Starts one or many targets in this process behind one HTTP server (health, metrics,
 * OpenAPI at /docs, and each target's routes). One target per process scales each service
 * on its own; all targets in one process suit a laptop or a small install.
 */
export async function startServices(targets: readonly ServiceTarget[]): Promise<RunningServices> {
  const schema = envSchemaFor(targets);
  const env = validateEnv(schema, process.env) as z.infer<typeof baseEnvSchema> & { HTTP_BODY_LIMIT_BYTES?: number };
  ensureDefaultMetrics();

  @Module({ imports: [CuewireConfigModule.forRoot(schema), CuewireLoggerModule, PlatformModule, ...targets.map((t) => t.module)] })
  class CuewireRoot {}

  const adapter = new FastifyAdapter({ bodyLimit: env.HTTP_BODY_LIMIT_BYTES ?? 1_048_576 });
  const app = await NestFactory.create<NestFastifyApplication>(CuewireRoot, adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();

  const names = targets.map((t) => t.name).join(', ');
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(`Cuewire (${names})`).setVersion('1').addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }).build());
  SwaggerModule.setup('docs', app, document);

  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  app.get(Logger).log(`cuewire [${names}] listening on ${url}`);
  return { app, url, close: () => app.close() };
}
