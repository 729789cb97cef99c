import { Topics, type DeliveryResult } from '@cuewire/contracts';
import { AvroSerde } from '@cuewire/kafka';
import { authHeaders, HttpReceiver, isolatedDatabase, isolatedRun, KafkaProbe, ServiceProcess, testBrokers, testRegistryUrl, waitFor } from '@cuewire/testing';

type Attempt = { deliveryId: string; webhookId: string; outcome: string; attempt: number; error: string | null; errorPath: string | null; statusCode: number | null };

/**
 * A campaign with two webhooks, one of which cannot be rendered for this customer: the other is
 * still delivered, and the failure is that webhook's outcome — a RENDER_FAILED delivery result
 * with the template error and where it broke — in the topic and in the delivery history API
 * served by the history service inside the single binary (beside the dispatcher's replay routes).
 */
describe('delivery history: per-webhook outcomes, searchable in PostgreSQL', () => {
  const database = isolatedDatabase('e2e_history');
  const { id: run, env } = isolatedRun('e2e-history', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', DATABASE_URL: database.url });
  const campaignId = `welcome-${run}`;
  const [good, broken] = [`hook-a-${run}`, `hook-b-${run}`];
  const customerId = `c-${run}`;
  let receiver: HttpReceiver;
  let controlPlane: ServiceProcess;
  let cuewire: ServiceProcess;

  const call = async (service: ServiceProcess, path: string, body?: unknown) => {
    const res = await fetch(`${service.url}${path}`, { method: body ? 'POST' : 'GET', headers: authHeaders(body ? { 'content-type': 'application/json' } : {}), body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    controlPlane = await ServiceProcess.start('control-plane', env);
    expect(await call(controlPlane, '/v1/webhooks', { id: good, name: 'A', url: `${receiver.url}/a/{{customer.id}}`, body: '{"hello": {{json customer.id}} }' })).toMatchObject({ status: 201 });
    // The coupon is not in the event: B's body cannot be rendered for it.
    expect(await call(controlPlane, '/v1/webhooks', { id: broken, name: 'B', url: `${receiver.url}/b`, body: '{"coupon": {{json event.properties.coupon}} }' })).toMatchObject({ status: 201 });
    const campaign = { id: campaignId, name: 'Welcome', status: 'live', trigger: { type: 'event', eventType: 'signup' }, webhookIds: [good, broken] };
    expect(await call(controlPlane, '/v1/campaigns', campaign)).toMatchObject({ status: 201 });
    cuewire = await ServiceProcess.start('cuewire', { ...env, CUEWIRE_TARGETS: 'ingest,segmenter,campaign-evaluator,renderer,dispatcher,history' }, 120_000);
  }, 180_000);

  afterAll(async () => {
    await cuewire?.stop();
    await controlPlane?.stop();
    await receiver?.stop();
    await database.drop();
  });

  it('delivers webhook A and records B as RENDER_FAILED, in delivery-results and in the history API', async () => {
    expect((await call(cuewire, '/v1/events', { customerId, type: 'signup', properties: { plan: 'free' } })).status).toBe(202);
    await waitFor('webhook A at the receiver', () => receiver.requests.find((r) => r.path === `/a/${customerId}`), 60_000);

    const probe = new KafkaProbe(testBrokers());
    try {
      const serde = new AvroSerde(testRegistryUrl());
      const topic = env.KAFKA_TOPIC_PREFIX + Topics.deliveryResults.name;
      const decoded = async () => Promise.all((await probe.readUntil(topic, (rs) => rs.length >= 2)).map((r) => serde.decode<DeliveryResult>(r.value)));
      const results = await waitFor('both results', async () => {
        const all = await decoded();
        return all.some((r) => r.webhookId === broken) && all.some((r) => r.webhookId === good) ? all : undefined;
      }, 30_000);
      expect(results.find((r) => r.webhookId === broken)).toMatchObject({ outcome: 'RENDER_FAILED', attempt: 0, campaignId, customerId, errorPath: 'body', error: expect.stringMatching(/missing/) });
      expect(results.find((r) => r.webhookId === good)).toMatchObject({ outcome: 'DELIVERED', statusCode: 200, requestMethod: 'POST', requestUrl: `${receiver.url}/a/${customerId}` });
    } finally {
      await probe.close();
    }
    expect(receiver.requests.filter((r) => r.path === '/b')).toEqual([]);

    const items = await waitFor('both outcomes in the history', async () => {
      const { json } = await call(cuewire, `/v1/deliveries?campaignId=${campaignId}`);
      const found = json.items as Attempt[];
      return found.length >= 2 ? found : undefined;
    }, 30_000);
    expect(items.map((i) => [i.webhookId, i.outcome]).sort()).toEqual([[good, 'DELIVERED'], [broken, 'RENDER_FAILED']].sort());
    const failed = items.find((i) => i.webhookId === broken)!;
    expect(failed).toMatchObject({ errorPath: 'body', statusCode: null, attempt: 0 });
    expect((await call(cuewire, `/v1/deliveries?customerId=${customerId}&outcome=RENDER_FAILED`)).json.items).toEqual([failed]);

    const delivered = items.find((i) => i.webhookId === good)!;
    const detail = (await call(cuewire, `/v1/deliveries/${delivered.deliveryId}`)).json;
    expect(detail).toMatchObject({ deliveryId: delivered.deliveryId, outcome: 'DELIVERED', attempts: [{ attempt: 1, outcome: 'DELIVERED', request: { method: 'POST', url: `${receiver.url}/a/${customerId}`, bodyExcerpt: `{"hello": "${customerId}" }` } }] });

    const figures = await waitFor('the campaign figures', async () => {
      const { json } = await call(cuewire, `/v1/campaigns/${campaignId}/figures?bucket=hour&from=${Date.now() - 3_600_000}`);
      return (json.totals as { triggered: number }).triggered === 1 ? json : undefined;
    }, 30_000);
    expect(figures.totals).toEqual({ triggered: 1, sent: 1, delivered: 1, failed: 1, opened: 0, clicked: 0 });
    expect((figures.webhooks as Array<{ webhookId: string; totals: Record<string, number> }>).map((w) => [w.webhookId, w.totals.delivered, w.totals.failed])).toEqual([[good, 1, 0], [broken, 0, 1]]);
  }, 120_000);

  it('keeps replay on the dispatcher beside the history routes in one process', async () => {
    expect((await call(cuewire, '/v1/deliveries/msg_unknown/replay', {})).status).toBe(404);
    expect((await call(cuewire, '/v1/deliveries/msg_unknown')).status).toBe(404);
  });
});
