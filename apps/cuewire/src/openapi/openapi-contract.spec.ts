import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocumentFor, PlatformModule } from '@cuewire/platform';
import { controllersOf, routes } from '../http-routes.js';
import { TARGETS } from '../targets.js';

type Operation = {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema?: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
};

/** POST routes that take no body: they act on the object named in the path. */
const BODILESS = new Set(['POST /v1/deliveries/{deliveryId}/replay', 'POST /v1/endpoints/{webhookId}/enable']);
/**
 * Routes served but left out of the document on purpose, none of them an API: Prometheus's scrape
 * endpoint (text exposition format), tracking links opened by mail clients, and the web console's
 * static files (its page and bundles, loaded by browsers; the console itself calls the documented API).
 */
const UNDOCUMENTED = ['GET /metrics', 'GET /t/o/*', 'GET /t/c/*', 'GET /console', 'GET /console/*'];
/** Every HTTP route the services serve, as `METHOD /path/{param}`. */
function servedRoutes(): string[] {
  const table = routes([...controllersOf(PlatformModule), ...Object.values(TARGETS).flatMap((t) => controllersOf(t.module))]);
  return Object.keys(table).map((route) => route.replace(/:([A-Za-z]+)/g, '{$1}'));
}

function operations(document: OpenAPIObject): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

async function validate(document: OpenAPIObject) {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document) as unknown as Parameters<Validator['validate']>[0]);
  return { valid: result.valid, version: validator.version, errors: result.errors };
}

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await openApiDocumentFor(Object.values(TARGETS));
  });

  it('is valid OpenAPI 3.1, for the single binary and for each service alone', async () => {
    expect(await validate(document)).toEqual({ valid: true, version: '3.1', errors: undefined });
    for (const target of Object.values(TARGETS)) {
      expect({ target: target.name, ...(await validate(await openApiDocumentFor([target]))) }).toEqual({ target: target.name, valid: true, version: '3.1', errors: undefined });
    }
  });

  it('documents every route the services serve, each with a unique operationId', () => {
    const ops = operations(document);
    expect(ops.map(([route]) => route).sort()).toEqual(servedRoutes().filter((r) => !UNDOCUMENTED.includes(r)).sort());
    expect(servedRoutes()).toEqual(expect.arrayContaining(UNDOCUMENTED));
    const ids = ops.map(([, op]) => op.operationId);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists each header once, as optional: the services require no header beyond the API key (a security scheme)', () => {
    const headers = operations(document).flatMap(([route, op]) => (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => ({ route, name: p.name, required: Boolean(p.required) })));
    expect(headers.map((h) => h.name.toLowerCase())).toEqual(expect.arrayContaining(['if-match', 'idempotency-key']));
    expect(headers.filter((h) => h.required)).toEqual([]);
    expect(new Set(headers.map((h) => `${h.route} ${h.name.toLowerCase()}`)).size).toBe(headers.length);
  });

  it('gives every route that takes a body a request schema, and only those routes no body', () => {
    const missing = operations(document)
      .filter(([route]) => /^(POST|PUT|PATCH) /.test(route) && !BODILESS.has(route))
      .filter(([, op]) => !op.requestBody || Object.values(op.requestBody.content).some((media) => !media.schema))
      .map(([route]) => route);
    expect(missing).toEqual([]);
    expect(operations(document).filter(([route, op]) => BODILESS.has(route) && op.requestBody)).toEqual([]);
  });

  it('gives every answer a schema: successes their body, errors problem details', () => {
    const problems: string[] = [];
    for (const [route, op] of operations(document)) {
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => s.startsWith('2'))) problems.push(`${route}: no success answer`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (status === '204') continue;
        const media = Object.entries(response.content ?? {});
        if (media.length === 0 || media.some(([, m]) => !m.schema)) problems.push(`${route} ${status}: no schema`);
        // Health answers are terminus's own JSON (status, info, error, details).
        const isProblem = media.some(([type, m]) => type === 'application/problem+json' && JSON.stringify(m.schema) === '{"$ref":"#/components/schemas/ProblemDetails"}');
        if (Number(status) >= 400 && !route.includes('/health/') && !isProblem) problems.push(`${route} ${status}: not problem details`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has request examples that its own schemas accept (the schemas describe what the API takes)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
    const rejected: unknown[] = [];
    let checked = 0;
    for (const [route, op] of operations(document)) {
      const media = op.requestBody?.content['application/json'];
      const { examples, ...schema } = (media?.schema ?? {}) as { examples?: unknown[] };
      if (!examples) continue;
      const check = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
      for (const example of examples) {
        checked++;
        if (!check(example)) rejected.push({ route, example, errors: check.errors });
      }
    }
    expect(rejected).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('refuses, in its schemas, bodies the services refuse', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
    const schemaOf = (name: string) => ajv.compile({ $ref: `doc#/components/schemas/${name}` });
    expect(schemaOf('Events')([{ customerId: 'c1', type: 'purchase' }, { type: 'purchase' }])).toBe(false);
    expect(schemaOf('Events')({ customerId: 'c1', type: 'purchase', unknown: 1 })).toBe(false);
    expect(schemaOf('SegmentCreate')({ name: 'x', conditions: [{ field: 'country', op: 'eq', value: 'CA' }] })).toBe(true);
    expect(schemaOf('ApiKeyCreate')({ name: 'x', scopes: ['root'] })).toBe(false);
  });
});
