import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { Topics } from '@cuewire/contracts';
import { authHeaders, HttpReceiver, KafkaProbe, type ReceivedRequest, ServiceProcess, testBrokers, waitFor } from '@cuewire/testing';

/**
 * Webhooks end to end, every service its own process over the real broker, registry and
 * Redis: validation, write-only secrets encrypted at rest, auth and Standard Webhooks signing
 * applied by the real dispatcher (through a secret rotation), presets, preview and send test.
 */
describe('webhooks: auth, signing, rotation, presets, send test', () => {
  const run = randomUUID().slice(0, 8);
  const env = {
    KAFKA_TOPIC_PREFIX: `e2e-wh-${run}.`,
    KAFKA_TOPIC_PARTITIONS: '3',
    KAFKA_GROUP_PREFIX: `e2e-wh-${run}`,
    REDIS_KEY_PREFIX: `e2e-wh-${run}:`,
    DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
    // A real key, shared by the control plane (seals) and the dispatcher (opens).
    CUEWIRE_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'info',
  };
  const password = `pw-${run}-"quoted"`;
  const services: ServiceProcess[] = [];
  let receiver: HttpReceiver;
  let controlPlane: ServiceProcess;
  let ingest: ServiceProcess;
  let firstSecret: string;
  let rotatedSecret: string;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.REDIS_KEY_PREFIX });

  const call = async (path: string, body?: unknown, method = 'POST', base = controlPlane) => {
    const res = await fetch(`${base.url}${path}`, { method, headers: authHeaders(body === undefined ? {} : { 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads arbitrary response JSON
    return { status: res.status, json: (await res.json().catch(() => undefined)) as Record<string, any> };
  };
  const verify = (secret: string, r: ReceivedRequest) =>
    new Webhook(secret).verify(r.body, { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) });

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
    redis.disconnect();
  });

  it('rejects invalid webhooks with the path of each error, and stores nothing', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ id: `bad1-${run}`, name: 'x', url: 'ftp://example.com/{{customer.id}}', auth: { type: 'oauth2' } }, ['$.url', '$.auth.type']],
      [{ id: `bad2-${run}`, name: 'x', url: 'https://example.com', body: '{\n"a": {{json customer.id}\n}' }, ['$.body']],
      [{ id: `bad3-${run}`, name: 'x', url: 'https://example.com', body: '{"a": {{customer.firstName}} }' }, ['$.body']],
      [{ id: `bad4-${run}`, name: 'x', url: 'https://example.com', auth: { type: 'basic', username: 'u' } }, ['$.auth.password']],
      [{ id: `bad5-${run}`, preset: 'twilio', params: { accountSid: 'nope', from: '+1' } }, ['$.params.accountSid', '$.params.authToken']],
    ];
    for (const [body, paths] of cases) {
      const res = await call('/v1/webhooks', body);
      expect(res.status).toBe(400);
      expect((res.json.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...paths].sort());
      expect((await call(`/v1/webhooks/${body.id}`, undefined, 'GET')).status).toBe(404);
    }
    const syntax = await call('/v1/webhooks', cases[1][0]);
    expect(syntax.json.errors[0].message).toMatch(/line 2/);
  });

  it('creates a webhook with basic auth and signing; secrets are write-only and encrypted in the config topic', async () => {
    const created = await call('/v1/webhooks', {
      id: `orders-${run}`,
      name: 'Orders',
      url: `${receiver.url}/orders/{{urlencode customer.id}}`,
      body: '{"name": {{json customer.firstName}}, "total": {{json (money event.properties.total event.properties.currency)}} }',
      auth: { type: 'basic', username: 'cuewire', password },
      signing: { type: 'standard-webhooks' },
    });
    expect(created.status).toBe(201);
    firstSecret = created.json.generatedSecret;
    expect(firstSecret).toMatch(/^whsec_/);
    const fetched = await call(`/v1/webhooks/${created.json.id}`, undefined, 'GET');
    expect(fetched.json.auth).toEqual({ type: 'basic', username: 'cuewire', passwordSet: true });
    expect(JSON.stringify(fetched.json)).not.toContain(password);
    expect(JSON.stringify(fetched.json)).not.toContain(firstSecret);

    const probe = new KafkaProbe(testBrokers());
    try {
      const records = await probe.readUntil(env.KAFKA_TOPIC_PREFIX + Topics.webhookConfig.name, (rs) => rs.some((r) => r.key === `orders-${run}`));
      const raw = records.find((r) => r.key === `orders-${run}`)!.value.toString('latin1');
      expect(raw).toContain('"password":"v1.');
      expect(raw).not.toContain(password);
      expect(raw).not.toContain(firstSecret.slice(6));
    } finally {
      await probe.close();
    }
  });

  it('rotates: the new secret is returned once and both secrets sign during the overlap', async () => {
    const rotated = await call(`/v1/webhooks/orders-${run}/secrets/rotate`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    rotatedSecret = rotated.json.secret;
    expect(rotated.json.signing.activeSecrets).toBe(2);
    expect(rotated.json.signing.secrets[0].expiresAt).not.toBeNull();
    expect(JSON.stringify((await call(`/v1/webhooks/orders-${run}`, undefined, 'GET')).json)).not.toContain(rotatedSecret);
  });

  it('send test delivers once with auth and signatures, returns the redacted request and the response', async () => {
    receiver.answer(() => ({ status: 200, body: '{"accepted": true}' }));
    const res = await call(`/v1/webhooks/orders-${run}/test`, {});
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
    expect(res.json.request.headers.authorization).toBe('Basic [redacted]');
    expect(JSON.stringify(res.json)).not.toContain(password);
    expect(res.json.response).toMatchObject({ status: 200, bodyExcerpt: '{"accepted": true}', latencyMs: expect.any(Number) });
    const got = receiver.requests.find((r) => String(r.headers['webhook-id']) === res.json.request.deliveryId)!;
    expect(got.body).toBe(res.json.request.body);
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from(`cuewire:${password}`).toString('base64')}`);
    for (const secret of [firstSecret, rotatedSecret]) expect(verify(secret, got)).toEqual(JSON.parse(got.body));

    const preview = await call(`/v1/webhooks/orders-${run}/preview`, { context: { customer: { id: 'c/x', firstName: 'Zoë "Z"' } } });
    expect(preview.status).toBe(200);
    expect(preview.json.request.url).toBe(`${receiver.url}/orders/c%2Fx`);
    expect(JSON.parse(preview.json.request.body).name).toBe('Zoë "Z"');
    const missing = await call(`/v1/webhooks/orders-${run}/preview`, { context: { customer: { id: 'c' } } });
    expect(missing.status).toBe(422);
    expect(missing.json.errors[0].path).toBe('$.body');
  });

  it('previews a webhook not saved yet: validated as create validates it, rendered as a saved one is, stored nowhere', async () => {
    const draft = { id: `draft-${run}`, name: 'Draft', url: `${receiver.url}/draft/{{urlencode customer.id}}`, body: '{"name": {{json customer.firstName}} }', auth: { type: 'bearer', token: 'draft-token' }, signing: { type: 'standard-webhooks' } };
    const good = await call('/v1/webhooks/preview', { webhook: draft, context: { customer: { id: 'c/y', firstName: 'Zoë' } } });
    expect(good.status).toBe(200);
    expect(good.json.request).toMatchObject({ method: 'POST', url: `${receiver.url}/draft/c%2Fy`, headers: { authorization: 'Bearer [redacted]', 'webhook-signature': expect.stringMatching(/^v1,/) } });
    expect(JSON.parse(good.json.request.body)).toEqual({ name: 'Zoë' });
    expect(JSON.stringify(good.json)).not.toContain('draft-token');
    expect((await call(`/v1/webhooks/draft-${run}`, undefined, 'GET')).status).toBe(404);
    expect(receiver.requests.some((r) => r.path.startsWith('/draft/'))).toBe(false);

    // From a preset, as the console's new-webhook form sends it.
    const preset = await call('/v1/webhooks/preview', { webhook: { preset: 'sendgrid', params: { apiKey: 'SG.draft', fromEmail: 'shop@example.com', baseUrl: receiver.url } } });
    expect(preset.status).toBe(200);
    expect(preset.json.request).toMatchObject({ url: `${receiver.url}/v3/mail/send`, headers: { authorization: 'Bearer [redacted]' } });
    expect(JSON.parse(preset.json.request.body).from.email).toBe('shop@example.com');

    // An edit of a stored webhook: the draft's fields, the stored secrets it leaves out; the stored one unchanged.
    const before = await call(`/v1/webhooks/orders-${run}`, undefined, 'GET');
    const edited = await call('/v1/webhooks/preview', { webhook: { id: `orders-${run}`, name: 'Orders', url: `${receiver.url}/edited/{{customer.id}}`, body: '{"edited": true}', auth: { type: 'basic', username: 'cuewire' } } });
    expect(edited.status).toBe(200);
    expect(edited.json.request).toMatchObject({ url: `${receiver.url}/edited/c-sample`, body: '{"edited": true}', headers: { authorization: 'Basic [redacted]' } });
    expect((await call(`/v1/webhooks/orders-${run}`, undefined, 'GET')).json).toEqual(before.json);

    // Bad input: each field with its path under $.webhook and the reason, as create names them at $.
    const cases: [Record<string, unknown>, string[]][] = [
      [{ webhook: { name: 'x', url: 'ftp://example.com/{{customer.id}}', auth: { type: 'oauth2' } } }, ['$.webhook.url', '$.webhook.auth.type']],
      [{ webhook: { name: 'x', url: 'https://example.com', auth: { type: 'basic', username: 'u' } } }, ['$.webhook.auth.password']],
      [{ webhook: { preset: 'twilio', params: { accountSid: 'nope', from: '+1' } } }, ['$.webhook.params.accountSid', '$.webhook.params.authToken']],
      [{ webhook: { name: 'x', url: 'https://example.com' }, customerId: '', extra: 1 }, ['$', '$.customerId']],
      [{}, ['$.webhook']],
    ];
    for (const [body, paths] of cases) {
      const res = await call('/v1/webhooks/preview', body);
      expect([res.status, (res.json.errors as { path: string }[]).map((e) => e.path).sort()]).toEqual([400, [...paths].sort()]);
    }
    // A template syntax error names its line, and marks the column under the line's text (Handlebars's caret).
    const syntax = await call('/v1/webhooks/preview', { webhook: { name: 'x', url: 'https://example.com', body: '{\n"a": {{json customer.id}\n}' } });
    expect(syntax.status).toBe(400);
    expect(syntax.json.errors).toEqual([{ path: '$.webhook.body', message: expect.stringMatching(/line 2:\n.*customer\.id\}\}\n-+\^/) }]);
    // A template that does not render with the chosen data: 422 with the field.
    const missing = await call('/v1/webhooks/preview', { webhook: draft, context: { customer: { id: 'c' } } });
    expect(missing.status).toBe(422);
    expect(missing.json.errors[0].path).toBe('$.webhook.body');
  });

  it('a preset becomes an ordinary webhook (Twilio: form fields, basic auth) that send test delivers', async () => {
    expect((await call('/v1/webhook-presets', undefined, 'GET')).json.map((p: { id: string }) => p.id)).toEqual(['sendgrid', 'twilio', 'slack', 'generic-json', 'smartech']);
    const sid = `AC${'0123456789abcdef'.repeat(2)}`;
    const created = await call('/v1/webhooks', { id: `sms-${run}`, preset: 'twilio', params: { accountSid: sid, authToken: 'tw-token', from: '+15005550001', baseUrl: receiver.url } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ contentType: 'application/x-www-form-urlencoded', auth: { type: 'basic', username: sid, passwordSet: true } });
    const res = await call(`/v1/webhooks/sms-${run}/test`, {});
    const got = receiver.requests.find((r) => String(r.headers['webhook-id']) === res.json.request.deliveryId)!;
    expect(got.path).toBe(`/2010-04-01/Accounts/${sid}/Messages.json`);
    expect(Object.fromEntries(new URLSearchParams(got.body))).toMatchObject({ To: '+15005550006', From: '+15005550001' });
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from(`${sid}:tw-token`).toString('base64')}`);
  });

  it('the real dispatcher applies auth and signs with every active secret', async () => {
    const campaign = await call('/v1/campaigns', { id: `thanks-${run}`, name: 'Thanks', status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: [`orders-${run}`] });
    expect(campaign.status).toBe(201);
    const started = await ServiceProcess.startAll(['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher'], env);
    services.push(...started);
    ingest = started[0];
    const customerId = `c-${run}`;
    const name = 'Ada {{x}} "</script>"\nü';
    expect((await call(`/v1/customers/${customerId}`, { attributes: { firstName: name } }, 'PATCH', ingest)).status).toBe(202);
    await waitFor('the profile in Redis', async () => (await redis.get(`profile:{${customerId}}`))?.includes('Ada'));
    expect((await call('/v1/events', { customerId, type: 'purchase', properties: { total: 12.5, currency: 'EUR', items: [] } }, 'POST', ingest)).status).toBe(202);
    const delivered = await waitFor('the webhook at the receiver', () => receiver.requests.find((r) => r.path === `/orders/${customerId}`), 60_000);
    expect(JSON.parse(delivered.body)).toEqual({ name, total: '€12.50' });
    expect(delivered.headers.authorization).toBe(`Basic ${Buffer.from(`cuewire:${password}`).toString('base64')}`);
    expect(String(delivered.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [firstSecret, rotatedSecret]) expect(verify(secret, delivered)).toEqual(JSON.parse(delivered.body));
  });
});
