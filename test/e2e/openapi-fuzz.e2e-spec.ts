import { authHeaders, isolatedRun, ServiceProcess } from '@cuewire/testing';

interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: { type?: string } }[];
  requestBody?: { content?: Record<string, { schema?: { example?: unknown; examples?: unknown[] } }> };
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

interface Probe {
  readonly what: string;
  readonly contentType?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Ids no client should send: huge, traversal, unicode, control characters, broken escapes. */
const BAD_IDS = [
  'x'.repeat(1_000),
  'x'.repeat(100),
  '..%2F..%2Fetc%2Fpasswd',
  '..',
  '%2E%2E',
  '%F0%9F%92%A9%E2%80%AE',
  '%00',
  '%0D%0Aset-cookie:%20x',
  '%E0%A4%A',
  '%25',
  'a%20b',
  '__proto__',
  'constructor',
  '-1',
  '1e309',
];

/** Bodies of the wrong kind: wrong content types, malformed and empty JSON, wrong JSON types. */
const BAD_BODIES: Probe[] = [
  { what: 'no body' },
  { what: 'an empty JSON body', contentType: 'application/json', body: '' },
  { what: 'malformed JSON', contentType: 'application/json', body: '{"id": "a", ' },
  { what: 'JSON null', contentType: 'application/json', body: 'null' },
  { what: 'a JSON number', contentType: 'application/json', body: '12' },
  { what: 'a JSON string', contentType: 'application/json', body: '"text"' },
  { what: 'a JSON array', contentType: 'application/json', body: '[1, "a", null]' },
  { what: 'an empty object', contentType: 'application/json', body: '{}' },
  { what: 'fields of the wrong types', contentType: 'application/json', body: JSON.stringify({ id: 5, name: [], url: {}, status: 7, attributes: 'x', customerId: {}, type: 1, scopes: 'admin', trigger: [], conditions: {}, headers: [], secret: 5, events: 'x' }) },
  { what: 'prototype poisoning', contentType: 'application/json', body: '{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}' },
  { what: 'deep nesting', contentType: 'application/json', body: `${'['.repeat(5_000)}${']'.repeat(5_000)}` },
  { what: 'an unexpected content type', contentType: 'text/plain', body: 'hello' },
  { what: 'XML', contentType: 'application/xml', body: '<a/>' },
  { what: 'a form body', contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=%ZZ' },
  { what: 'NDJSON with junk', contentType: 'application/x-ndjson', body: '{"a":1}\n{oops\n\u0000\n' },
  { what: 'a content type with bad parameters', contentType: 'application/json; charset=utf-1000', body: '{}' },
  { what: 'multipart without a boundary', contentType: 'multipart/form-data', body: '--x\r\n' },
  { what: 'invalid UTF-8', contentType: 'application/json', body: '{"id": "\uFFFD\uD800"}' },
  { what: 'a gzip encoding that is not gzip', contentType: 'application/json', body: '{}', headers: { 'content-encoding': 'gzip' } },
  { what: 'a huge API key', contentType: 'application/json', body: '{}', headers: { authorization: `Bearer ${'x'.repeat(8_000)}` } },
  { what: 'a malformed API key', contentType: 'application/json', body: '{}', headers: { authorization: 'Bearer cwk__', 'x-api-key': 'cwk_%00_\u00ff' } },
  { what: 'basic auth instead of a key', contentType: 'application/json', body: '{}', headers: { authorization: 'Basic Zm9vOmJhcg==' } },
  { what: 'a garbage If-Match', contentType: 'application/json', body: '{}', headers: { 'if-match': '"x", W/, *, ,,"unterminated' } },
];

const WRONG_VALUES: unknown[] = [null, 12_345, -1, 1e308, 'text', '', [], [null], {}, true, 'x'.repeat(200_000), 'x'.repeat(1_500_000), '\uD800\u0000{{', ['x'.repeat(300)]];
/** For fields inside objects (event properties, profile attributes): a few wrong types, and one value too large for a Kafka record. */
const NESTED_WRONG_VALUES: unknown[] = [null, 12_345, 'text', [], {}, 'x'.repeat(1_500_000)];
/** Deeply nested values, spliced in as JSON text (building them as objects would overflow JSON.stringify here). */
const DEEP_VALUES = [`${'['.repeat(4_000)}${']'.repeat(4_000)}`, `${'{"a":'.repeat(4_000)}1${'}'.repeat(4_000)}`];

/** The route's documented example with each field (and each field of a nested object) set to a value of the wrong type or size. */
function mutatedExamples(operation: Operation): Probe[] {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  const examples = [schema?.example, ...(schema?.examples ?? [])].filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && !Array.isArray(e));
  const probes: Probe[] = [];
  for (const example of examples) {
    for (const [field, value] of Object.entries(example)) {
      for (const wrong of WRONG_VALUES) probes.push({ what: `the example with ${field} = ${JSON.stringify(wrong)?.slice(0, 30)}`, contentType: 'application/json', body: JSON.stringify({ ...example, [field]: wrong }) });
      for (const deep of DEEP_VALUES) probes.push({ what: `the example with ${field} nested 4000 deep`, contentType: 'application/json', body: JSON.stringify({ ...example, [field]: '@@DEEP@@' }).replace('"@@DEEP@@"', deep) });
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const inner of Object.keys(value)) {
          for (const wrong of NESTED_WRONG_VALUES) probes.push({ what: `the example with ${field}.${inner} = ${JSON.stringify(wrong)}`, contentType: 'application/json', body: JSON.stringify({ ...example, [field]: { ...value, [inner]: wrong } }) });
        }
      }
    }
  }
  return probes;
}

/** Query parameters that list and search routes take (documented or not), for every GET route. */
const COMMON_QUERY_NAMES = ['limit', 'cursor', 'from', 'to', 'since', 'until', 'status', 'outcome', 'webhookId', 'campaignId', 'customerId', 'page'];

/** Query values of the wrong types and sizes. */
const BAD_QUERY_VALUES = ['abc', '-1', '1e309', '99999999999999999999', '', 'x'.repeat(5_000), '%00', '[object Object]'];

/**
 * Every route of the OpenAPI document (read from the running single binary, so routes added by
 * anyone are covered) answers malformed bodies, ids, content types and query values with a
 * 4xx, never a 5xx. All targets run in one process, as `cuewire` does on a laptop.
 */
describe('every route in the OpenAPI document: malformed input never gets a 5xx', () => {
  const { id: run, env } = isolatedRun('e2e-fuzz', { LOG_LEVEL: 'warn', DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8' });
  let cuewire: ServiceProcess;
  let document: OpenApi;

  /** Existing objects, so bodies reach validation behind the 404 of an unknown id (by collection in the path). */
  const fixtures: Record<string, string> = { webhooks: `fz-wh-${run}`, endpoints: `fz-wh-${run}`, campaigns: `fz-cmp-${run}`, segments: `fz-seg-${run}`, customers: `fz-c-${run}` };
  const create = async (path: string, body: object) => {
    const res = await fetch(`${cuewire.url}${path}`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`fixture ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };

  beforeAll(async () => {
    cuewire = await ServiceProcess.start('cuewire', { ...env, CUEWIRE_TARGETS: 'all' }, 120_000);
    document = (await (await fetch(`${cuewire.url}/docs-json`)).json()) as OpenApi;
    // A closed loopback port: send test fails fast instead of reaching anything.
    await create('/v1/webhooks', { id: fixtures.webhooks, name: 'fuzz', url: 'http://127.0.0.1:9/hook', signing: { type: 'standard-webhooks' } });
    await create('/v1/segments', { id: fixtures.segments, name: 'fuzz', match: 'all', conditions: [{ field: 'vip', op: 'eq', value: true }] });
    await create('/v1/campaigns', { id: fixtures.campaigns, name: 'fuzz', status: 'draft', trigger: { type: 'on-demand' }, webhookIds: [fixtures.webhooks] });
    fixtures['api-keys'] = (await create('/v1/api-keys', { name: 'fuzz', scopes: ['ingest'] })).id;
  }, 150_000);
  afterAll(() => cuewire?.stop());

  const send = async (method: string, path: string, probe: Probe): Promise<number> => {
    const headers = authHeaders({ ...(probe.contentType ? { 'content-type': probe.contentType } : {}), ...probe.headers });
    const res = await fetch(`${cuewire.url}${path}`, { method: method.toUpperCase(), headers, body: probe.body, redirect: 'manual' });
    await res.arrayBuffer();
    return res.status;
  };

  it('reads a document with the routes of every target', () => {
    const paths = Object.keys(document.paths);
    for (const expected of ['/v1/events', '/v1/webhooks', '/v1/campaigns/{id}', '/v1/api-keys', '/v1/deliveries']) expect(paths).toContain(expected);
  });

  it('answers every route, every malformed input, below 500', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let requests = 0;
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!METHODS.includes(method)) continue;
        const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        const withIds = (id: string) => pathParams.reduce((path, name) => path.replace(`{${name}}`, id), template);
        const cases: [string, Probe][] = [];
        const fixture = fixtures[template.split('/{')[0].split('/').pop() ?? ''];
        // DELETE of the fixture would remove it for the routes after it.
        const ids = pathParams.length === 0 ? [''] : [...(fixture && method !== 'delete' ? [fixture] : []), 'does-not-exist', ...BAD_IDS];
        for (const id of ids) {
          const path = withIds(id);
          // fetch sends no body with GET; a JSON content type without one still reaches the parser.
          const probes = method === 'get' ? [BAD_BODIES[0], { what: 'a JSON content type and no body', contentType: 'application/json' }] : [...BAD_BODIES, ...(id === ids[0] ? mutatedExamples(operation) : [])];
          for (const probe of probes) cases.push([path, probe]);
        }
        for (const name of new Set([...queryParams, ...(method === 'get' ? COMMON_QUERY_NAMES : [])])) {
          for (const value of BAD_QUERY_VALUES) cases.push([`${withIds('does-not-exist')}?${name}=${encodeURIComponent(value)}`, { what: `query ${name}=${value.slice(0, 20)}` }]);
        }
        for (const [path, probe] of cases) {
          requests++;
          let status: number;
          try {
            status = await send(method, path, probe);
          } catch (error) {
            failures.push(`${method.toUpperCase()} ${path.slice(0, 120)} with ${probe.what}: no answer (${(error as Error).message})`);
            continue;
          }
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500) failures.push(`${method.toUpperCase()} ${path.slice(0, 120)} with ${probe.what}: ${status}`);
        }
      }
    }
    expect(requests).toBeGreaterThan(500);
    // The inputs reached validation and the size bounds, not just the API-key guard.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([400, 404, 413, 415]));
    expect(failures).toEqual([]);
    expect((await fetch(`${cuewire.url}/health/ready`)).status).toBe(200);
  }, 600_000);
});
