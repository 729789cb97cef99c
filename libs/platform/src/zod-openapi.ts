import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import { z, type ZodObject, type ZodRawShape, type ZodType } from 'zod';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>>; required?: string[] };

/** The JSON Schema of a zod schema as OpenAPI shows it (what a client sends, or what it receives). */
export function openApiSchemaOf(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** One OpenAPI query parameter per field of the zod schema that validates the query: the docs and the validation cannot drift. */
export function ApiQueryFrom(schema: ZodObject<ZodRawShape>) {
  const json = openApiSchemaOf(schema, 'input');
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, { description, ...property }]) =>
      ApiQuery({ name, required: json.required?.includes(name) ?? false, description: description as string | undefined, schema: property }),
    ),
  );
}

/** The 200 response documented with the zod schema of its body. */
export function ApiOkFrom(schema: ZodType, description: string) {
  return ApiOkResponse({ description, schema: openApiSchemaOf(schema, 'output') });
}
