import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueApiKey, parseApiKey, sha256Hex } from '@cuewire/api-keys';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { AvroSerde, recordOutput, TypedProducer } from '@cuewire/kafka';
import { isolatedRun, KafkaProbe, ServiceProcess, testAdminKey, testBrokers, testKafkaSettings, testRegistryUrl, waitFor } from '@cuewire/testing';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> | undefined;
}

/** One HTTP call, with the key as `Authorization: Bearer` (or as told in `headers`). */
async function call(service: ServiceProcess, method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  const res = await fetch(`${service.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body };
}

/** A representative route of each service, and the scope it needs. */
function probes(services: { ingest: ServiceProcess; controlPlane: ServiceProcess; dispatcher?: ServiceProcess; feedback: ServiceProcess }, run: string) {
  const all = [
    { name: 'ingest POST /v1/events', scope: 'ingest', ok: 202, send: (key?: string) => call(services.ingest, 'POST', '/v1/events', { key, body: { customerId: `c-${run}`, type: 'page_view' } }) },
    { name: 'feedback POST /v1/feedback/engagements', scope: 'ingest', ok: 202, send: (key?: string) => call(services.feedback, 'POST', '/v1/feedback/engagements', { key, body: { customerId: `c-${run}`, type: 'push_view' } }) },
    { name: 'control plane GET /v1/webhooks', scope: 'admin', ok: 200, send: (key?: string) => call(services.controlPlane, 'GET', '/v1/webhooks', { key }) },
  ];
  const dispatcher = services.dispatcher;
  return dispatcher ? [...all, { name: 'dispatcher GET /v1/endpoints/:webhookId', scope: 'admin', ok: 200, send: (key?: string) => call(dispatcher, 'GET', `/v1/endpoints/probe-${run}`, { key }) }] : all;
}

/** Waits until every service's view has caught up with a key change: the probe stops (or starts) answering 401. */
function untilSettled(probe: { send: (key?: string) => Promise<Answer> }, key: string, known: boolean): Promise<Answer> {
  return waitFor(`the key to be ${known ? 'known' : 'refused'}`, async () => {
    const answer = await probe.send(key);
    return (answer.status !== 401) === known && answer;
  }, 10_000, 50);
}

describe('API keys: every service requires one, scoped ingest vs admin', () => {
  const { id: run, env } = isolatedRun('e2e-keys');
  const admin = testAdminKey();
  let controlPlane: ServiceProcess;
  let ingest: ServiceProcess;
  let dispatcher: ServiceProcess;
  let feedback: ServiceProcess;
  let routes: ReturnType<typeof probes>;

  const create = async (name: string, scopes: string[]) => {
    const created = await call(controlPlane, 'POST', '/v1/api-keys', { key: admin, body: { name, scopes } });
    expect(created.status).toBe(201);
    return created.body as { id: string; key: string; prefix: string };
  };

  beforeAll(async () => {
    [controlPlane, ingest, dispatcher, feedback] = await ServiceProcess.startAll(['control-plane', 'ingest', 'dispatcher', 'feedback-receiver'], env);
    routes = probes({ ingest, controlPlane, dispatcher, feedback }, run);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([controlPlane, ingest, dispatcher, feedback].map((s) => s?.stop()));
  });

  describe('without a working key: 401 with WWW-Authenticate, and which problem it is', () => {
    it('no key', async () => {
      for (const route of routes) {
        const answer = await route.send();
        expect({ route: route.name, status: answer.status, title: answer.body?.title }).toEqual({ route: route.name, status: 401, title: 'API key required' });
        expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="cuewire"');
        expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
    });

    it('a wrong key: malformed, or invalid with the same answer for an unknown id as for a wrong secret', async () => {
      const real = await create('real', ['ingest', 'admin']);
      const stranger = issueApiKey({ name: 'never stored', scopes: ['admin'] }, Date.now()).key;
      const wrongSecret = `cwk_${real.id}_${parseApiKey(stranger)!.secret}`;
      for (const route of routes) {
        const unknown = await route.send(stranger);
        const forged = await route.send(wrongSecret);
        expect([unknown.status, forged.status]).toEqual([401, 401]);
        expect(unknown.body).toEqual(forged.body);
        expect(forged.body?.title).toBe('Invalid API key');
        expect(forged.headers.get('www-authenticate')).toBe('Bearer realm="cuewire", error="invalid_token"');
        expect((await route.send(`${admin}-not`)).body?.title).toBe('Malformed API key');
      }
    });

    it('presented either way: Authorization: Bearer or X-Api-Key', async () => {
      expect((await call(controlPlane, 'GET', '/v1/webhooks', { headers: { 'x-api-key': admin } })).status).toBe(200);
      expect((await call(controlPlane, 'GET', '/v1/webhooks', { headers: { authorization: `bearer ${admin}` } })).status).toBe(200);
      expect((await call(controlPlane, 'GET', '/v1/webhooks', { headers: { authorization: `Basic ${Buffer.from(`a:${admin}`).toString('base64')}` } })).status).toBe(401);
    });

    it('health, metrics, the OpenAPI document, tracking links and provider callbacks need none', async () => {
      for (const service of [controlPlane, ingest, dispatcher, feedback]) {
        expect((await call(service, 'GET', '/health/ready')).status).toBe(200);
        expect((await call(service, 'GET', '/metrics')).status).toBe(200);
      }
      expect((await call(feedback, 'GET', '/t/o/not-a-token.gif')).status).toBe(200);
      // A callback is judged by its own signature check, not the API-key guard.
      const callback = await call(feedback, 'POST', '/v1/feedback/standard-webhooks', { body: { customerId: 'x', type: 'email_open' } });
      expect({ status: callback.status, title: callback.body?.title }).toEqual({ status: 401, title: 'Invalid signature' });
      expect(callback.headers.get('www-authenticate')).toBeNull();

      const document = (await call(controlPlane, 'GET', '/docs-json')).body as { components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, { security?: unknown[] }>> };
      expect(document.components.securitySchemes).toEqual({
        'api-key-bearer': expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        'api-key-header': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }),
      });
      expect(document.paths['/v1/api-keys'].post.security).toEqual(expect.arrayContaining([{ 'api-key-bearer': [] }, { 'api-key-header': [] }]));
      expect(document.paths['/health/ready'].get.security).toBeUndefined();
    });
  });

  describe('scopes', () => {
    it('an ingest key sends events and engagements (202) and is refused by the control plane and the dispatcher (403 naming admin)', async () => {
      const { key } = await create('shop backend', ['ingest']);
      for (const route of routes) {
        const answer = await untilSettled(route, key, true);
        if (route.scope === 'ingest') expect({ route: route.name, status: answer.status }).toEqual({ route: route.name, status: 202 });
        else {
          expect({ route: route.name, status: answer.status, requiredScope: answer.body?.requiredScope }).toEqual({ route: route.name, status: 403, requiredScope: 'admin' });
          expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="cuewire", error="insufficient_scope", scope="admin"');
        }
      }
      const profile = await call(ingest, 'PATCH', `/v1/customers/c-${run}`, { key, body: { attributes: { firstName: 'Ada' } } });
      expect(profile.status).toBe(202);
      const bulk = await fetch(`${ingest.url}/v1/events/bulk`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body: `{"customerId":"c-${run}","type":"a"}\n` });
      expect(bulk.status).toBe(202);
      expect((await call(controlPlane, 'POST', '/v1/api-keys', { key, body: { name: 'escalation', scopes: ['admin'] } })).status).toBe(403);
    });

    it('an admin-only key runs the control plane and the delivery log (2xx) and is refused by ingest (403 naming ingest)', async () => {
      const { key } = await create('operator', ['admin']);
      for (const route of routes) {
        const answer = await untilSettled(route, key, true);
        if (route.scope === 'admin') expect({ route: route.name, status: answer.status }).toEqual({ route: route.name, status: route.ok });
        else expect({ route: route.name, status: answer.status, requiredScope: answer.body?.requiredScope }).toEqual({ route: route.name, status: 403, requiredScope: 'ingest' });
      }
      const segment = await call(controlPlane, 'POST', '/v1/segments', { key, body: { id: `seg-${run}`, name: 'Canada', conditions: [{ field: 'country', op: 'eq', value: 'CA' }] } });
      expect(segment.status).toBe(201);
      const bulk = await fetch(`${ingest.url}/v1/events/bulk`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/x-ndjson' }, body: `{"customerId":"c-${run}","type":"a"}\n` });
      expect(bulk.status).toBe(403);
    });
  });

  describe('lifecycle', () => {
    it('creating a key answers the plaintext once; listing and reading never show a secret or a digest', async () => {
      const created = (await call(controlPlane, 'POST', '/v1/api-keys', { key: admin, body: { name: 'CRM', scopes: ['admin', 'ingest', 'admin'] } })).body as Record<string, string>;
      const { id, secret } = parseApiKey(created.key)!;
      expect(created).toMatchObject({ id, name: 'CRM', scopes: ['ingest', 'admin'], prefix: `cwk_${id}_${secret.slice(0, 4)}`, rotatedAt: null, previousKeyExpiresAt: null });

      const one = await call(controlPlane, 'GET', `/v1/api-keys/${id}`, { key: admin });
      const list = await call(controlPlane, 'GET', '/v1/api-keys', { key: admin });
      const { key: _key, ...metadata } = created;
      expect(one.body).toEqual(metadata);
      expect(list.body).toEqual(expect.arrayContaining([metadata]));
      for (const text of [JSON.stringify(one.body), JSON.stringify(list.body)]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(sha256Hex(secret));
        expect(text).not.toMatch(/"(key|secret|secretHash|hash)"/);
      }
    });

    it('stores only the digest on the topic: the secret is nowhere in it', async () => {
      const { id, key } = await create('at rest', ['ingest']);
      const { secret } = parseApiKey(key)!;
      const topic = env.KAFKA_TOPIC_PREFIX + Topics.apiKeyConfig.name;
      const probe = new KafkaProbe(testBrokers());
      try {
        const records = await probe.readUntil(topic, (rs) => rs.some((r) => r.key === id));
        expect(records.some((r) => r.value.includes(Buffer.from(secret)) || r.value.includes(Buffer.from(key)))).toBe(false);
        const record = await new AvroSerde(testRegistryUrl()).decode<ConfigRecord>(records.find((r) => r.key === id)!.value);
        expect(record.kind).toBe('api-key');
        expect(JSON.parse(record.body)).toMatchObject({ name: 'at rest', scopes: ['ingest'], secretHash: sha256Hex(secret), previous: null });
      } finally {
        await probe.close();
      }
    });

    it('rotating with no grace: the old key is refused at once everywhere, the new one works', async () => {
      const old = await create('rotate now', ['ingest', 'admin']);
      for (const route of routes) await untilSettled(route, old.key, true);
      const rotated = await call(controlPlane, 'POST', `/v1/api-keys/${old.id}/rotate`, { key: admin });
      expect(rotated.status).toBe(200);
      const fresh = rotated.body as { id: string; key: string; rotatedAt: string; previousKeyExpiresAt: string | null };
      expect(fresh).toMatchObject({ id: old.id, previousKeyExpiresAt: null, rotatedAt: expect.any(String) });
      expect(fresh.key).not.toBe(old.key);
      // The control plane applies its own write before answering: refused there at once.
      expect((await call(controlPlane, 'GET', '/v1/webhooks', { key: old.key })).body?.title).toBe('Invalid API key');
      for (const route of routes) {
        expect((await untilSettled(route, old.key, false)).body?.title).toBe('Invalid API key');
        expect((await route.send(fresh.key)).status).toBe(route.ok);
      }
    });

    it('rotating with a grace window: both secrets work until it ends, then the old one is expired', async () => {
      const old = await create('rotate gently', ['ingest', 'admin']);
      for (const route of routes) await untilSettled(route, old.key, true);
      const started = Date.now();
      const rotated = await call(controlPlane, 'POST', `/v1/api-keys/${old.id}/rotate`, { key: admin, body: { previousKeyValidForSeconds: 6 } });
      const fresh = rotated.body as { key: string; previousKeyExpiresAt: string };
      expect(Date.parse(fresh.previousKeyExpiresAt) - started).toBeGreaterThanOrEqual(6_000);
      for (const route of routes) {
        await untilSettled(route, fresh.key, true);
        expect((await route.send(old.key)).status).toBe(route.ok);
      }
      await sleep(Math.max(0, Date.parse(fresh.previousKeyExpiresAt) - Date.now()) + 100);
      for (const route of routes) {
        const answer = await route.send(old.key);
        expect({ route: route.name, status: answer.status, title: answer.body?.title }).toEqual({ route: route.name, status: 401, title: 'Expired API key' });
        expect((await route.send(fresh.key)).status).toBe(route.ok);
      }
      expect((await call(controlPlane, 'GET', `/v1/api-keys/${old.id}`, { key: admin })).body?.previousKeyExpiresAt).toBeNull();
    });

    it('revoking: refused everywhere as soon as the views catch up, and gone from the API', async () => {
      const doomed = await create('revoke me', ['ingest', 'admin']);
      for (const route of routes) await untilSettled(route, doomed.key, true);
      expect((await call(controlPlane, 'DELETE', `/v1/api-keys/${doomed.id}`, { key: admin })).status).toBe(204);
      for (const route of routes) expect((await untilSettled(route, doomed.key, false)).body?.title).toBe('Invalid API key');
      expect((await call(controlPlane, 'GET', `/v1/api-keys/${doomed.id}`, { key: admin })).status).toBe(404);
      expect((await call(controlPlane, 'DELETE', `/v1/api-keys/${doomed.id}`, { key: admin })).status).toBe(404);
      expect((await call(controlPlane, 'POST', `/v1/api-keys/${doomed.id}/rotate`, { key: admin })).status).toBe(404);
    });

    it.each([
      ['no name', { scopes: ['ingest'] }, '$.name'],
      ['an empty name', { name: ' ', scopes: ['ingest'] }, '$.name'],
      ['no scopes', { name: 'x', scopes: [] }, '$.scopes'],
      ['an unknown scope', { name: 'x', scopes: ['read'] }, '$.scopes[0]'],
      ['a field of its own', { name: 'x', scopes: ['ingest'], secret: 'mine' }, '$'],
    ])('refuses to create a key with %s: 400 naming the field', async (_what, body, path) => {
      const answer = await call(controlPlane, 'POST', '/v1/api-keys', { key: admin, body });
      expect(answer.status).toBe(400);
      expect(answer.body?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    });

    it.each([
      ['a negative grace', { previousKeyValidForSeconds: -1 }],
      ['a grace over a week', { previousKeyValidForSeconds: 604_801 }],
      ['a fractional grace', { previousKeyValidForSeconds: 1.5 }],
    ])('refuses to rotate with %s: 400 naming the field', async (_what, body) => {
      const { id } = await create('bad rotation', ['ingest']);
      const answer = await call(controlPlane, 'POST', `/v1/api-keys/${id}/rotate`, { key: admin, body });
      expect(answer.status).toBe(400);
      expect(answer.body?.errors).toEqual([expect.objectContaining({ path: '$.previousKeyValidForSeconds' })]);
    });
  });
});

describe('API keys in the single binary (several services, one process), with no bootstrap key', () => {
  const { id: run, env } = isolatedRun('e2e-keys-one', { CUEWIRE_TARGETS: 'ingest,control-plane,feedback-receiver', CUEWIRE_ADMIN_KEY: '' });
  let cuewire: ServiceProcess;
  let routes: ReturnType<typeof probes>;

  beforeAll(async () => {
    cuewire = await ServiceProcess.start('cuewire', env);
    routes = probes({ ingest: cuewire, controlPlane: cuewire, feedback: cuewire }, run);
  }, 120_000);

  afterAll(() => cuewire?.stop());

  it('starts, warns that no key can work, and answers 401 to everything that needs a key', async () => {
    expect(readFileSync(cuewire.logFile, 'utf8')).toMatch(/CUEWIRE_ADMIN_KEY is not set and no API key exists/);
    for (const route of routes) expect((await route.send()).status).toBe(401);
    expect((await call(cuewire, 'POST', '/v1/api-keys', { key: testAdminKey(), body: { name: 'x', scopes: ['admin'] } })).status).toBe(401);
    expect((await call(cuewire, 'GET', '/health/ready')).status).toBe(200);
  });

  it('takes keys written to its topic as soon as it reads them, each within its scopes', async () => {
    const settings = testKafkaSettings('e2e-keys-writer', env.KAFKA_TOPIC_PREFIX);
    const producer = new TypedProducer(settings, new AvroSerde(settings.schemaRegistryUrl));
    const ingestKey = issueApiKey({ name: 'ingest', scopes: ['ingest'] }, Date.now());
    const adminKey = issueApiKey({ name: 'admin', scopes: ['admin'] }, Date.now());
    try {
      await producer.send(
        [ingestKey, adminKey].map((k) => recordOutput(Topics.apiKeyConfig, k.id, { kind: 'api-key', id: k.id, revision: 1, updatedAt: Date.now(), body: JSON.stringify(k.stored) } satisfies ConfigRecord)),
      );
    } finally {
      await producer.close();
    }
    for (const route of routes) {
      const own = route.scope === 'ingest' ? ingestKey.key : adminKey.key;
      const other = route.scope === 'ingest' ? adminKey.key : ingestKey.key;
      expect({ route: route.name, status: (await untilSettled(route, own, true)).status }).toEqual({ route: route.name, status: route.ok });
      expect({ route: route.name, status: (await route.send(other)).status }).toEqual({ route: route.name, status: 403 });
    }
    const created = await call(cuewire, 'POST', '/v1/api-keys', { key: adminKey.key, body: { name: 'made here', scopes: ['ingest'] } });
    expect(created.status).toBe(201);
    // Same process, same view: the new key works on ingest with no wait.
    expect((await routes[0].send((created.body as { key: string }).key)).status).toBe(202);
  });
});
