import { authHeaders, HttpReceiver, isolatedRun, OtlpReceiver, ServiceProcess, waitFor, type ExportedSpan } from '@cuewire/testing';

/** Issue #15, must show: one trace from the HTTP ingest to the webhook attempt, exported by every service over OTLP. */

describe('tracing: one trace from POST /v1/events to the webhook attempt', () => {
  let otlp: OtlpReceiver;
  let receiver: HttpReceiver;
  const services: ServiceProcess[] = [];
  const { id: run, env } = isolatedRun('e2e', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8' });
  const post = (base: ServiceProcess, path: string, body: unknown) => fetch(`${base.url}${path}`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
  let ingest: ServiceProcess;

  beforeAll(async () => {
    [otlp, receiver] = await Promise.all([OtlpReceiver.start(), HttpReceiver.start()]);
    Object.assign(env, { TRACING_EXPORTER: 'otlp', TRACING_OTLP_URL: otlp.url, TRACING_EXPORT_DELAY_MS: '200', DISPATCH_SEND_TRACEPARENT: 'true' });
    const controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    expect((await post(controlPlane, '/v1/webhooks', { id: `hook-${run}`, name: 'traced', url: `${receiver.url}/t/{{customer.id}}`, body: '{}' })).status).toBe(201);
    expect((await post(controlPlane, '/v1/campaigns', { id: `camp-${run}`, name: 'traced', status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: [`hook-${run}`] })).status).toBe(201);
    const started = await ServiceProcess.startAll(['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher'], env, 150_000);
    services.push(...started);
    ingest = started[0];
  }, 300_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all([receiver?.stop(), otlp?.stop()]);
  });

  it('spans ingest → segmenter → evaluator → renderer → dispatcher → the HTTP attempt, naming the webhook and the campaign', async () => {
    const customerId = `traced-${run}`;
    expect((await post(ingest, '/v1/events', { customerId, type: 'purchase', properties: {} })).status).toBe(202);
    const delivered = await waitFor('the webhook at the receiver', () => receiver.requests.find((r) => r.path === `/t/${customerId}`), 60_000);

    // The receiver was sent the attempt's context (DISPATCH_SEND_TRACEPARENT=true).
    const [, traceId, attemptSpanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(delivered.headers.traceparent))!;
    const trace = () => otlp.spans.filter((s) => s.traceId === traceId);
    const attempt = await waitFor('the attempt span, exported', () => trace().find((s) => s.spanId === attemptSpanId), 30_000);
    expect(attempt).toMatchObject({ service: 'dispatcher', name: 'webhook attempt', attributes: { 'cuewire.webhook_id': `hook-${run}`, 'cuewire.campaign_id': `camp-${run}`, 'http.response.status_code': 200 } });

    // Walk up from the attempt to the root: one parent chain through every service.
    const byId = new Map(trace().map((s) => [s.spanId, s]));
    const chain: ExportedSpan[] = [];
    await waitFor('every ancestor of the attempt, exported', () => {
      chain.length = 0;
      for (let span = byId.get(attemptSpanId); span; span = span.parentSpanId ? byId.get(span.parentSpanId) : undefined) chain.push(span);
      const root = chain[chain.length - 1];
      if (root.parentSpanId) for (const s of trace()) byId.set(s.spanId, s);
      return !root.parentSpanId;
    });
    expect(chain.map((s) => [s.service, s.name])).toEqual([
      ['dispatcher', 'webhook attempt'],
      ['dispatcher', `${env.KAFKA_TOPIC_PREFIX}cw.webhook-requests.v1 process`],
      ['renderer', `${env.KAFKA_TOPIC_PREFIX}cw.campaign-triggers.v1 process`],
      ['campaign-evaluator', `${env.KAFKA_TOPIC_PREFIX}cw.enriched-events.v1 process`],
      ['segmenter', `${env.KAFKA_TOPIC_PREFIX}cw.customer-events.v1 process`],
      ['ingest', 'POST /v1/events'],
    ]);
    // The consumer spans that carry a campaign's records name it (and the webhook, once there is one).
    expect(chain[1].attributes).toMatchObject({ 'cuewire.webhook_id': `hook-${run}`, 'cuewire.campaign_id': `camp-${run}`, 'messaging.consumer.group.name': `${env.KAFKA_GROUP_PREFIX}.dispatcher` });
    expect(chain[2].attributes).toMatchObject({ 'cuewire.campaign_id': `camp-${run}` });
    expect(chain[5].attributes).toMatchObject({ 'http.route': '/v1/events', 'http.response.status_code': 202 });
  }, 120_000);
});
