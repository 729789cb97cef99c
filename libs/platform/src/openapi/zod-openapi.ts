import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z, type ZodObject, type ZodType } from 'zod';

/**
 * OpenAPI schemas come from the zod schemas the routes validate with (zod's own
 * `z.toJSONSchema`, JSON Schema 2020-12: the dialect of OpenAPI 3.1), so the document cannot
 * say one thing while the code checks another. Named schemas become components; the
 * document builder (openapi-document.ts) adds them to the document.
 */
export type JsonSchema = Record<string, unknown>;

const components = new Map<string, JsonSchema>();

/** The components the decorators registered, by name. */
export function registeredSchemas(): ReadonlyMap<string, JsonSchema> {
  return components;
}

/** The problem details body every error answer carries (RFC 9457, as ProblemDetailsFilter writes it). */
export const problemDetailsSchema = z
  .object({
    status: z.number().int().min(400).max(599).describe('The HTTP status code'),
    title: z.string().describe('What went wrong, in a sentence'),
    detail: z.string().optional(),
    code: z.string().optional().describe('A machine-readable code, for errors raised by the HTTP layer (e.g. FST_ERR_CTP_INVALID_JSON_BODY)'),
    errors: z
      .array(z.object({ path: z.string().describe('JSON path of the offending field, e.g. $.items[2].price'), message: z.string() }))
      .optional()
      .describe('Each invalid field and why'),
  })
  .catchall(z.unknown());

/**
 * The JSON Schema of a zod schema as a request (`input`: defaults optional) or a response
 * (`output`). Shared definitions (recursive ones) are hoisted into components under
 * `<name>_<def>` so `$ref`s resolve against the document.
 */
export function openApiSchemaOf(schema: ZodType, io: 'input' | 'output', name?: string): JsonSchema {
  const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const prefix = name ?? `Shared${components.size}`;
  const rename = (ref: string) => `#/components/schemas/${prefix}_${ref.slice('#/$defs/'.length)}`;
  const rewrite = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(rewrite)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? rename(v) : rewrite(v)]))
        : value;
  for (const [def, body] of Object.entries($defs ?? {})) register(`${prefix}_${def}`, rewrite(body) as JsonSchema);
  const resolved = rewrite(json) as JsonSchema;
  if (name === undefined) return resolved;
  register(name, resolved);
  return { $ref: `#/components/schemas/${name}` };
}

function register(name: string, schema: JsonSchema): void {
  const existing = components.get(name);
  if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) throw new Error(`OpenAPI component ${name} is defined twice, differently`);
  components.set(name, schema);
}

interface BodyOptions {
  /** Register the schema as a component of this name (and refer to it). */
  readonly name?: string;
  readonly description?: string;
  readonly required?: boolean;
  readonly examples?: readonly unknown[];
}

/** The route's JSON request body, as the zod schema that validates it accepts it. */
export function ApiJsonBody(schema: ZodType, options: BodyOptions = {}) {
  const json = openApiSchemaOf(schema, 'input', options.name);
  return ApiBody({
    required: options.required ?? true,
    description: options.description,
    schema: options.examples ? { ...json, examples: [...options.examples] } : json,
  });
}

/** A JSON answer of the route, as the zod schema describing what the route returns. */
export function ApiJsonResponse(status: number, schema: ZodType, description: string, name?: string) {
  return ApiResponse({ status, description, schema: openApiSchemaOf(schema, 'output', name) });
}

/**
 * Error answers of the route, each a problem details document (the document builder gives every
 * 4xx/5xx answer the ProblemDetails schema as `application/problem+json`).
 */
export function ApiProblems(problems: Readonly<Record<number, string>>) {
  return applyDecorators(...Object.entries(problems).map(([status, description]) => ApiResponse({ status: Number(status), description })));
}

/** One query parameter per field of the zod object that validates the query string. */
export function ApiJsonQuery(schema: ZodObject) {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) => {
      const json = openApiSchemaOf(field as ZodType, 'input');
      return ApiQuery({ name, required: !(field as ZodType).safeParse(undefined).success, schema: json, description: json.description as string | undefined });
    }),
  );
}

/**
 * The optional If-Match header of a configuration write (412 when the object changed since the
 * client read it). Documents the route's `@Headers('if-match')` parameter, which Swagger would
 * otherwise list as required.
 */
export function ApiIfMatch() {
  return ApiHeader({ name: 'if-match', required: false, description: 'The ETag the client read: the write applies only if the object is still at it (412 with the current ETag otherwise). Without it the write applies to whatever is current.' });
}
