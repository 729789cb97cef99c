import { Topics } from '@cuewire/contracts';
import { authHeaders, HttpReceiver, isolatedRun, KafkaProbe, scrapeMetrics, ServiceProcess, sumOf, testBrokers, waitFor, type Sample } from '@cuewire/testing';

/**
 * Issue #15, must show: the pipeline's /metrics after a short load. Every service runs as its
 * own process over the real broker, registry and Redis; one receiver answers slowly (so the
 * dispatcher's group falls behind and catches up), the other always fails (so its circuit opens).
 */
describe('metrics of a running pipeline (GET /metrics)', () => {
  const { id: run, env } = isolatedRun('e2e', {
    DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
    // Deliveries wait in the dispatcher for the slow endpoint's slots (uncommitted: lag) instead of moving to a delay tier.
    DISPATCH_ENDPOINT_CONCURRENCY: '4',
    DISPATCH_BUSY_WAIT_MS: '120000',
    DISPATCH_ORDERING: 'none',
    DISPATCH_BREAKER_FAILURES: '3',
    DISPATCH_BREAKER_COOLDOWN_MS: '600000',
  });
  const EVENTS = 120;
  const SLOW_MS = 250;
  const services: Record<string, ServiceProcess> = {};
  let receiver: HttpReceiver;

  const post = (base: ServiceProcess, path: string, body: unknown) => fetch(`${base.url}${path}`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) });

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    receiver.answer((req) => (req.path.startsWith('/fail/') ? { status: 500, body: 'down' } : { status: 200, body: 'ok', delayMs: SLOW_MS }));
    services['control-plane'] = await ServiceProcess.start('control-plane', env);
    for (const [id, path] of [[`slow-${run}`, 'slow'], [`fail-${run}`, 'fail']]) {
      const created = await post(services['control-plane'], '/v1/webhooks', { id, name: id, url: `${receiver.url}/${path}/{{customer.id}}`, body: '{"total": {{json event.properties.total}} }', retry: { schedule: ['1s', '1s', '1s', '1s', '1s'] } });
      expect({ status: created.status, body: created.status === 201 ? null : await created.text() }).toEqual({ status: 201, body: null });
    }
    const campaign = await post(services['control-plane'], '/v1/campaigns', { id: `buy-${run}`, name: 'Purchase', status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: [`slow-${run}`, `fail-${run}`] });
    expect(campaign.status).toBe(201);
    const apps = ['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher'];
    const started = await ServiceProcess.startAll(apps, env, 150_000);
    apps.forEach((app, i) => (services[app] = started[i]));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await receiver?.stop();
  });

  const group = (name: string) => `${env.KAFKA_GROUP_PREFIX}.${name}`;
  const scrape = (app: string): Promise<Sample[]> => scrapeMetrics(services[app].url);

  it('shows lag rising and falling, records handled, delivery latency and outcomes, endpoint states, HTTP requests and dead letters', async () => {
    // A short load: 120 purchases in 12 requests.
    for (let batch = 0; batch < EVENTS / 10; batch++) {
      const events = Array.from({ length: 10 }, (_, i) => ({ customerId: `m-${run}-${batch * 10 + i}`, type: 'purchase', properties: { total: i } }));
      expect((await post(services.ingest, '/v1/events', events)).status).toBe(202);
    }
    // One record the segmenter cannot decode: a dead letter at the decode stage.
    const probe = new KafkaProbe(testBrokers());
    await probe.produceRaw(env.KAFKA_TOPIC_PREFIX + Topics.customerEvents.name, `garbage-${run}`, Buffer.from('not avro')).finally(() => probe.close());

    // The slow endpoint serves 4 at a time: the dispatcher holds the rest uncommitted, so its lag rises, then falls to zero.
    let peakLag = 0;
    await waitFor(
      'every delivery to the slow endpoint, watching the dispatcher’s lag',
      async () => {
        peakLag = Math.max(peakLag, sumOf(await scrape('dispatcher'), 'cuewire_kafka_consumer_lag', { group: group('dispatcher') }));
        return receiver.requests.filter((r) => r.path.startsWith('/slow/')).length >= EVENTS;
      },
      90_000,
      200,
    );
    expect(peakLag).toBeGreaterThanOrEqual(20);
    await waitFor('the dispatcher’s lag back at zero', async () => {
      const samples = await scrape('dispatcher');
      const lag = samples.filter((s) => s.name === 'cuewire_kafka_consumer_lag' && s.labels.group === group('dispatcher'));
      return lag.length > 0 && lag.every((s) => s.value === 0);
    });

    const dispatcher = await scrape('dispatcher');
    // Latency histogram: every delivery to the slow endpoint took at least its 250 ms answer.
    const slow = { webhook: `slow-${run}` };
    expect(sumOf(dispatcher, 'cuewire_delivery_attempt_seconds_count', slow)).toBeGreaterThanOrEqual(EVENTS);
    expect(sumOf(dispatcher, 'cuewire_delivery_attempt_seconds_bucket', { ...slow, le: '0.1' })).toBe(0);
    expect(sumOf(dispatcher, 'cuewire_delivery_attempt_seconds_bucket', { ...slow, le: '+Inf' })).toBe(sumOf(dispatcher, 'cuewire_delivery_attempt_seconds_count', slow));
    expect(sumOf(dispatcher, 'cuewire_delivery_attempt_seconds_sum', slow) / sumOf(dispatcher, 'cuewire_delivery_attempt_seconds_count', slow)).toBeGreaterThanOrEqual(SLOW_MS / 1000);
    expect(sumOf(dispatcher, 'cuewire_delivery_attempts_total', { ...slow, outcome: 'DELIVERED', status: '2xx' })).toBeGreaterThanOrEqual(EVENTS);
    expect(sumOf(dispatcher, 'cuewire_delivery_attempts_total', { ...slow, outcome: 'RETRY_SCHEDULED' })).toBe(0);
    // The failing endpoint: its 500s counted by outcome, its circuit open, nothing parked.
    const fail = { webhook: `fail-${run}` };
    expect(sumOf(dispatcher, 'cuewire_delivery_attempts_total', { ...fail, outcome: 'RETRY_SCHEDULED', status: '5xx' })).toBeGreaterThanOrEqual(3);
    expect(sumOf(dispatcher, 'cuewire_delivery_attempts_total', { ...fail, outcome: 'DELIVERED' })).toBe(0);
    expect(sumOf(dispatcher, 'cuewire_endpoint_state', { ...fail, state: 'open' })).toBe(1);
    expect(sumOf(dispatcher, 'cuewire_endpoint_state', { ...slow, state: 'healthy' })).toBe(1);
    expect(sumOf(dispatcher, 'cuewire_endpoint_state', { ...slow, state: 'open' })).toBe(0);
    expect(sumOf(dispatcher, 'cuewire_endpoint_parked', fail)).toBe(0);
    // Tracing is off by default: no trace context goes out to receivers.
    expect(receiver.requests.filter((r) => r.headers.traceparent !== undefined)).toEqual([]);

    // Records handled by each stage, HTTP requests by route template, the dead letter by stage.
    const segmenter = await scrape('segmenter');
    expect(sumOf(segmenter, 'cuewire_kafka_records_handled_total', { group: group('segmenter') })).toBeGreaterThanOrEqual(EVENTS);
    expect(sumOf(segmenter, 'cuewire_kafka_records_dead_lettered_total', { group: group('segmenter'), stage: 'decode' })).toBe(1);
    expect(sumOf(await scrape('renderer'), 'cuewire_kafka_records_handled_total')).toBeGreaterThanOrEqual(EVENTS);
    const ingest = await scrape('ingest');
    expect(sumOf(ingest, 'cuewire_http_request_duration_seconds_count', { method: 'POST', route: '/v1/events', status: '202' })).toBe(EVENTS / 10);
    const evaluator = await scrape('campaign-evaluator');
    expect(evaluator.filter((s) => s.name === 'cuewire_evaluator_timers_due')).toEqual([{ name: 'cuewire_evaluator_timers_due', labels: {}, value: 0 }]);
    expect(evaluator.some((s) => s.name === 'cuewire_kafka_consumer_lag' && s.labels.group === group('campaign-evaluator'))).toBe(true);
  }, 180_000);
});
