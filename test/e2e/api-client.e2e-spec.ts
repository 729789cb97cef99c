import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createCuewireClient, type CuewireClient } from '@cuewire/client';
import { isolatedDatabase, isolatedRun, ServiceProcess, testAdminKey } from '@cuewire/testing';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
const document = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'libs', 'client', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: object;
};

/**
 * Checks every answer the client gets against the document it was generated from: the status
 * must be documented and the body must match that status's schema (problem details for errors).
 */
function contractChecker() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'doc', components: document.components });
  const compiled = new Map<string, ValidateFunction>();
  const mismatches: unknown[] = [];
  const checked: string[] = [];
  return {
    mismatches,
    checked,
    middleware: {
      async onResponse({ request, response, schemaPath }: { request: Request; response: Response; schemaPath: string }) {
        const route = `${request.method} ${schemaPath} ${response.status}`;
        const documented = document.paths[schemaPath]?.[request.method.toLowerCase()]?.responses[String(response.status)];
        if (!documented) return void mismatches.push({ route, problem: 'status not documented' });
        const [type, media] = Object.entries(documented.content ?? {})[0] ?? [];
        if (!media) return void checked.push(route);
        if (!(response.headers.get('content-type') ?? '').startsWith(type)) mismatches.push({ route, problem: `content-type ${response.headers.get('content-type')}, documented ${type}` });
        const key = `${route} ${type}`;
        if (!compiled.has(key)) compiled.set(key, ajv.compile(JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/')) as object));
        const validate = compiled.get(key)!;
        const body = (await response.clone().json()) as unknown;
        if (!validate(body)) mismatches.push({ route, body, errors: validate.errors });
        checked.push(route);
      },
    },
  };
}

/** The generated client against the real services (the single binary, five targets): what it is told matches what it gets. */
describe('@cuewire/client against the running services', () => {
  const database = isolatedDatabase('e2e_client');
  const { id: run, env } = isolatedRun('e2e-client', { DATABASE_URL: database.url });
  const contract = contractChecker();
  let cuewire: ServiceProcess;
  let client: CuewireClient;

  beforeAll(async () => {
    cuewire = await ServiceProcess.start('cuewire', {
      ...env,
      CUEWIRE_TARGETS: 'ingest,control-plane,dispatcher,feedback-receiver,history',
      DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
      FEEDBACK_TRACKING_KEYS: 'k'.repeat(32),
    });
    client = createCuewireClient({ baseUrl: cuewire.url, apiKey: testAdminKey() });
    client.use(contract.middleware);
  }, 120_000);
  afterAll(async () => {
    await cuewire?.stop();
    await database.drop();
  });

  it('configures segments, webhooks, campaigns and keys with answers as documented', async () => {
    const segment = await client.POST('/v1/segments', { body: { id: `seg-${run}`, name: 'Canada', conditions: [{ field: 'country', op: 'eq', value: 'CA' }] } });
    expect(segment.response.status).toBe(201);
    expect(segment.data?.match).toBe('all');
    await client.GET('/v1/segments');
    await client.GET('/v1/segments/{id}/size', { params: { path: { id: `seg-${run}` } } });
    await client.PUT('/v1/segments/{id}', { params: { path: { id: `seg-${run}` } }, body: { name: 'Canada again', match: 'any', conditions: [] } });

    const webhook = await client.POST('/v1/webhooks', { body: { id: `wh-${run}`, name: 'Orders', url: 'http://127.0.0.1:9/orders/{{customer.id}}', body: '{"id": {{json customer.id}} }', signing: { type: 'standard-webhooks' } } });
    expect(webhook.error).toBeUndefined();
    expect(webhook.response.status).toBe(201);
    expect(webhook.data?.generatedSecret).toMatch(/^whsec_/);
    expect(webhook.data?.retry.schedule).toEqual([]);
    await client.GET('/v1/webhooks/{id}', { params: { path: { id: `wh-${run}` } } });
    await client.POST('/v1/webhooks/{id}/preview', { params: { path: { id: `wh-${run}` } }, body: {} });
    await client.POST('/v1/webhooks/{id}/secrets/rotate', { params: { path: { id: `wh-${run}` } }, body: { overlapSeconds: 0 } });
    await client.GET('/v1/webhook-presets');

    const campaign = await client.POST('/v1/campaigns', { body: { id: `cmp-${run}`, name: 'On demand', status: 'live', trigger: { type: 'on-demand' }, webhookIds: [`wh-${run}`] } });
    expect(campaign.response.status).toBe(201);
    const triggered = await client.POST('/v1/campaigns/{id}/trigger', { params: { path: { id: `cmp-${run}` } }, body: { customerIds: ['c-1', 'c-2'] } });
    expect(triggered.data?.customers).toBe(2);
    await client.GET('/v1/campaigns');

    const key = await client.POST('/v1/api-keys', { body: { name: 'Shop', scopes: ['ingest'] } });
    expect(key.data?.key).toMatch(/^cwk_/);
    await client.GET('/v1/api-keys/{id}', { params: { path: { id: key.data!.id } } });
    await client.POST('/v1/api-keys/{id}/rotate', { params: { path: { id: key.data!.id } }, body: {} });
    expect((await client.DELETE('/v1/api-keys/{id}', { params: { path: { id: key.data!.id } } })).response.status).toBe(204);
    expect((await client.DELETE('/v1/campaigns/{id}', { params: { path: { id: `cmp-${run}` } } })).response.status).toBe(204);
  });

  it('ingests events, profiles and engagements, and reads the delivery log, with answers as documented', async () => {
    expect((await client.POST('/v1/events', { body: { customerId: `c-${run}`, type: 'purchase', properties: { total: 10 } } })).response.status).toBe(202);
    expect((await client.POST('/v1/events', { body: [{ customerId: `c-${run}`, type: 'page_view' }] })).data?.accepted).toBe(1);
    expect((await client.PATCH('/v1/customers/{customerId}', { params: { path: { customerId: `c-${run}` } }, body: { attributes: { country: 'CA' } } })).response.status).toBe(202);
    expect((await client.POST('/v1/feedback/engagements', { body: { customerId: `c-${run}`, type: 'email_open', deliveryId: `msg_${run}` } })).data?.duplicate).toBe(false);
    await client.GET('/v1/deliveries', { params: { query: { limit: 10 } } });
    await client.GET('/v1/deliveries/summary', { params: { query: { webhookId: `wh-${run}` } } });
    await client.GET('/v1/endpoints/{webhookId}', { params: { path: { webhookId: `wh-${run}` } } });
    await client.GET('/health/ready');
  });

  it('gets problem details, as documented, for bad input and unknown objects', async () => {
    const bad = await client.POST('/v1/events', { body: [{ customerId: 'c-1', type: 'purchase' }, { type: 'purchase' } as never] });
    expect(bad.response.status).toBe(400);
    expect(bad.error?.errors).toEqual([{ path: '$[1].customerId', message: expect.any(String) }]);
    expect((await client.GET('/v1/webhooks/{id}', { params: { path: { id: 'no-such-webhook' } } })).response.status).toBe(404);
    expect((await client.POST('/v1/deliveries/{deliveryId}/replay', { params: { path: { deliveryId: 'msg_none' } } })).response.status).toBe(404);
    expect((await client.POST('/v1/api-keys', { body: { name: '', scopes: [] } })).response.status).toBe(400);
  });

  it('got only answers that match the document (every call above was checked)', () => {
    expect(contract.mismatches).toEqual([]);
    expect(contract.checked.length).toBeGreaterThanOrEqual(28);
  });
});
