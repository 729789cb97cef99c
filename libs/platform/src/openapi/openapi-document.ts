import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_HEADER_SECURITY, BEARER_SECURITY } from '../route-access.decorator.js';
import { openApiSchemaOf, problemDetailsSchema, registeredSchemas } from './zod-openapi.js';

const PROBLEM_DETAILS = openApiSchemaOf(problemDetailsSchema, 'output', 'ProblemDetails');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `WebhooksController.create` → `webhooksCreate`: stable, unique, and a readable client method name. */
export function operationIdOf(controllerKey: string, methodKey: string): string {
  const resource = controllerKey.replace(/Controller$/, '');
  return `${resource[0].toLowerCase()}${resource.slice(1)}${methodKey[0].toUpperCase()}${methodKey.slice(1)}`;
}

/**
 * The OpenAPI 3.1 document of the routes this process serves (one service or all of them: the
 * same builder serves the single binary). Served at /docs (JSON at /docs-json).
 */
export function openApiDocument(app: INestApplication, names: string): OpenAPIObject {
  const frame = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(`Cuewire (${names})`)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'cwk_<id>_<secret>', description: 'An API key (cwk_…, or the bootstrap CUEWIRE_ADMIN_KEY) as `Authorization: Bearer <key>`' }, BEARER_SECURITY)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'The same API key in the X-Api-Key header' }, API_KEY_HEADER_SECURITY)
    .build();
  return withProblemDetails(SwaggerModule.createDocument(app, frame, { operationIdFactory: operationIdOf }));
}

/**
 * Adds the zod-derived components, and gives every error answer the problem details body
 * (`application/problem+json`, what ProblemDetailsFilter sends).
 */
export function withProblemDetails(document: OpenAPIObject): OpenAPIObject {
  const schemas = { ...document.components?.schemas, ...Object.fromEntries([...registeredSchemas()].sort(([a], [b]) => a.localeCompare(b))) };
  const paths = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => {
          if (!METHODS.includes(method as (typeof METHODS)[number])) return [method, operation];
          const responses = Object.fromEntries(
            Object.entries((operation as { responses: Record<string, { description: string; content?: unknown }> }).responses).map(([status, response]) => [
              status,
              Number(status) >= 400 && !response.content ? { ...response, content: { 'application/problem+json': { schema: PROBLEM_DETAILS } } } : response,
            ]),
          );
          return [method, { ...(operation as object), responses }];
        }),
      ),
    ]),
  );
  return { ...document, paths, components: { ...document.components, schemas } };
}
