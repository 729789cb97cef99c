import 'reflect-metadata';
import { Injectable, Module, type DynamicModule, type INestApplication, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import secureJson from 'secure-json-parse';
import { Logger } from 'nestjs-pino';
import { z, type ZodObject, type ZodRawShape } from 'zod';
import { baseEnvSchema } from './base-env.schema.js';
import { CuewireConfigModule } from './config.module.js';
import { validateEnv } from './env-validation.js';
import { CuewireLoggerModule } from './logging.module.js';
import { measureHttpRequests } from './http.metrics.js';
import { ensureDefaultMetrics } from './metrics.js';
import { PlatformModule } from './platform.module.js';
import { armShutdownDeadline } from './shutdown-deadline.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { openApiDocument } from './openapi/openapi-document.js';
import { traceHttpRequests } from './tracing/http.tracing.js';
import { startTracing, type Tracing } from './tracing/tracing.setup.js';

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
  exitWithParent(process.env.CUEWIRE_EXIT_WITH_PARENT);
  const schema = envSchemaFor(targets);
  const env = validateEnv(schema, process.env) as z.infer<typeof baseEnvSchema> & { HTTP_BODY_LIMIT_BYTES?: number };
  ensureDefaultMetrics();
  const names = targets.map((t) => t.name).join(', ');
  // Before any module is built, so every span and record header sees the registered tracer.
  const tracing = startTracing(env, targets.length === 1 ? targets[0].name : 'cuewire');

  const adapter = new FastifyAdapter({ bodyLimit: env.HTTP_BODY_LIMIT_BYTES ?? 1_048_576 });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule(targets, schema, tracing), adapter, { bufferLogs: true });
  measureHttpRequests(adapter.getInstance());
  if (tracing) traceHttpRequests(adapter.getInstance());
  // Our JSON parser replaces Nest's default one so that a malformed body's 400 says where it breaks.
  app.useBodyParser('application/json', { bodyLimit: env.HTTP_BODY_LIMIT_BYTES ?? 1_048_576 }, (_req, body, done) => done(...parseJsonBody(body)));
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  const disarm = armShutdownDeadline(env.SHUTDOWN_TIMEOUT_MS, (signal) => {
    app.get(Logger).error(`graceful shutdown after ${signal} did not finish within SHUTDOWN_TIMEOUT_MS (${env.SHUTDOWN_TIMEOUT_MS} ms); exiting`);
    process.exit(1);
  });

  SwaggerModule.setup('docs', app, openApiDocument(app, names));

  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  app.get(Logger).log(`cuewire [${names}] listening on ${url}`);
  return {
    app,
    url,
    close: async () => {
      disarm();
      await app.close();
    },
  };
}

/**
 * Test and benchmark harnesses start services as child processes; when the harness dies
 * (killed by a timeout), its children must not live on consuming and holding partitions.
 * `CUEWIRE_EXIT_WITH_PARENT=<harness pid>` makes the service exit once that parent is gone.
 */
function exitWithParent(parentPid: string | undefined): void {
  if (!parentPid) return;
  setInterval(() => {
    if (process.ppid !== Number(parentPid)) process.kill(process.pid, 'SIGTERM');
  }, 1_000).unref();
}

function rootModule(targets: readonly ServiceTarget[], schema: ZodObject<ZodRawShape>, tracing?: Tracing): Type {
  /** Spans still buffered are sent when the application shuts down (after the consumers stopped). */
  @Injectable()
  class TracingFlush implements OnApplicationShutdown {
    onApplicationShutdown(): Promise<void> | undefined {
      return tracing?.shutdown();
    }
  }
  @Module({ imports: [CuewireConfigModule.forRoot(schema), CuewireLoggerModule, PlatformModule, ...targets.map((t) => t.module)], providers: [TracingFlush] })
  class CuewireRoot {}
  return CuewireRoot;
}

/**
 * The OpenAPI document of a set of targets without starting anything: Nest's preview mode
 * builds the module graph but instantiates no provider (no Kafka, no Redis). What
 * `npm run client:generate` and the contract tests read.
 */
export async function openApiDocumentFor(targets: readonly ServiceTarget[]): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(rootModule(targets, envSchemaFor(targets)), new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    return openApiDocument(app, targets.map((t) => t.name).join(', '));
  } finally {
    await app.close();
  }
}

/** A malformed JSON body's 400, naming the line, column and offset where parsing failed. */
export class MalformedJsonError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_CTP_INVALID_JSON_BODY';
}

/** secure-json-parse (prototype poisoning refused, as Fastify's default parser does) plus where it broke. */
export function parseJsonBody(body: Buffer | string): [Error | null, unknown?] {
  const text = body.toString();
  if (text.trim() === '') return [new MalformedJsonError('Malformed JSON: the body is empty')];
  try {
    return [null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })];
  } catch (error) {
    if (!(error instanceof SyntaxError)) return [new MalformedJsonError(`Malformed JSON: ${(error as Error).message}`)];
    const at = jsonErrorOffset(text);
    if (at < 0) return [new MalformedJsonError(`Refused JSON: ${error.message}`)];
    const line = text.slice(0, at).split('\n').length;
    const column = at - text.lastIndexOf('\n', at - 1);
    const reason = error.message.replace(/,? ".*" is not valid JSON$/s, '').replace(/ at position \d+.*$/s, '');
    return [new MalformedJsonError(`Malformed JSON at line ${line}, column ${column} (offset ${at}): ${reason}`)];
  }
}

/**
 * The offset of the first character that cannot continue valid JSON, or -1 when the text is
 * valid (V8's messages give the offset only for some errors). An iterative scan, so deeply nested input cannot overflow the stack.
 */
export function jsonErrorOffset(s: string): number {
  // eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
  const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const stack: string[] = [];
  let i = 0;
  let expect: 'value' | 'key' | 'after' = 'value';
  const skip = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i])) i++;
  };
  for (;;) {
    skip();
    const c = s[i];
    const top = stack[stack.length - 1];
    if (expect === 'after') {
      if (top === undefined) return i === s.length ? -1 : i;
      if (top === ':' ? c !== ':' : c !== ',' && c !== (top === '{' ? '}' : ']')) return i;
      i++;
      if (c === ',') expect = top === '{' ? 'key' : 'value';
      else expect = (stack.pop(), c === ':' ? 'value' : 'after');
      continue;
    }
    if (expect === 'value' && (c === '{' || c === '[')) {
      stack.push(c);
      i++;
      skip();
      if (s[i] === (c === '{' ? '}' : ']')) [i, expect] = [i + 1, (stack.pop(), 'after')];
      else expect = c === '{' ? 'key' : 'value';
      continue;
    }
    literal.lastIndex = i;
    const match = literal.exec(s);
    if (!match || (expect === 'key' && c !== '"')) return i;
    i = literal.lastIndex;
    if (expect === 'key') stack.push(':');
    expect = 'after';
  }
}
