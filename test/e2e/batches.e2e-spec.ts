import { setTimeout as sleep } from 'node:timers/promises';
import { Topics, type CampaignTrigger } from '@cuewire/contracts';
import { AvroSerde, recordOutput, TypedProducer } from '@cuewire/kafka';
import { authHeaders, isolatedDatabase, isolatedRun, scrapeMetrics, ScriptedReceiver, ServiceProcess, sumOf, testKafkaSettings, waitFor, type ScriptedRequest } from '@cuewire/testing';
import { deliveryIdFor } from '@cuewire/templating';

/** What a Smartech-style batch request carries: data={"<panel>": [activity, …]}, each activity with its delivery id. */
function activitiesOf(request: ScriptedRequest): string[] {
  const data = new URLSearchParams(request.body).get('data');
  if (!data) throw new Error(`no data field in ${request.body.slice(0, 200)}`);
  return (JSON.parse(data) as { shop_panel: { delivery_id: string }[] }).shop_panel.map((a) => a.delivery_id);
}

/**
 * Batched deliveries end to end (real Kafka, registry, Redis, PostgreSQL, a loopback receiver):
 * triggers rendered by the renderer with the Smartech preset, collected and sent by the dispatcher
 * (its own process, so it can be killed), outcomes in the delivery history.
 */
describe('batched deliveries (Smartech preset)', () => {
  const database = isolatedDatabase('e2e_batches');
  const { id: run, env } = isolatedRun('batches', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', DATABASE_URL: database.url });
  const settings = testKafkaSettings('batches-e2e', env.KAFKA_TOPIC_PREFIX);
  const producer = new TypedProducer(settings, new AvroSerde(settings.schemaRegistryUrl));
  const services: ServiceProcess[] = [];
  let receiver: ScriptedReceiver;
  let controlPlane: ServiceProcess;
  let dispatcher: ServiceProcess;

  const call = async (service: ServiceProcess, path: string, body?: unknown) => {
    const res = await fetch(`${service.url}${path}`, { method: body ? 'POST' : 'GET', headers: authHeaders(body ? { 'content-type': 'application/json' } : {}), body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const smartech = (id: string, batch: { maxItems: number; maxWaitMs: number }) => ({
    id,
    preset: 'smartech',
    params: { url: `${receiver.url}/${id}`, panelName: 'shop_panel', ...batch },
    retry: { schedule: ['1s'] },
  });

  /**
   * Triggers as the campaign evaluator writes them, one customer each, of an A/B test's arm when
   * `variantOf` names one; returns the delivery ids the webhook's items get.
   */
  async function trigger(webhookId: string, count: number, variantOf: (i: number) => string | null = () => null): Promise<string[]> {
    const triggers: CampaignTrigger[] = Array.from({ length: count }, (_, i) => ({
      triggerId: `trg-${run}-${webhookId}-${i}`,
      campaignId: 'activities',
      campaignVersion: 1,
      campaignName: 'Activities',
      customerId: `c-${i}`,
      webhookIds: [webhookId],
      events: [{ eventId: `evt-${webhookId}-${i}`, customerId: `c-${i}`, type: 'purchase', occurredAt: Date.now(), receivedAt: Date.now(), source: 'api', properties: JSON.stringify({ total: i }) }],
      profile: JSON.stringify({ firstName: `Customer ${i}` }),
      firedAt: Date.now(),
      variant: variantOf(i),
      variantName: null,
      variantVariables: null,
    }));
    await producer.send(triggers.map((t) => recordOutput(Topics.campaignTriggers, t.customerId, t)));
    return triggers.map((t) => deliveryIdFor(t.triggerId, webhookId, t.variant));
  }
  const at = (path: string) => receiver.on(path);

  beforeAll(async () => {
    receiver = await ScriptedReceiver.start();
    // The first request to /retried fails: it must come again with the same batch and item ids.
    receiver.answer((req, nth) => (req.path === '/retried' && nth === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }));
    controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    for (const webhook of [smartech('bulk', { maxItems: 100, maxWaitMs: 10_000 }), smartech('retried', { maxItems: 50, maxWaitMs: 1_000 }), smartech('crash', { maxItems: 100, maxWaitMs: 8_000 })]) {
      expect(await call(controlPlane, '/v1/webhooks', webhook)).toMatchObject({ status: 201 });
    }
    services.push(await ServiceProcess.start('cuewire', { ...env, CUEWIRE_TARGETS: 'renderer,history' }, 120_000));
    dispatcher = await ServiceProcess.start('dispatcher', env);
    services.push(dispatcher);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await producer.close();
    await receiver?.stop();
    await database.drop();
  });

  it('sends 1,000 triggers as at most 10 requests of at most 100 items, every item exactly once, signed and named by batch', async () => {
    const expected = await trigger('bulk', 1_000);
    await waitFor('every item at the receiver', () => at('/bulk').flatMap(activitiesOf).length >= 1_000, 60_000, 200);
    await sleep(500);
    const requests = at('/bulk');
    expect(requests.length).toBeLessThanOrEqual(10);
    for (const r of requests) {
      expect(activitiesOf(r).length).toBeLessThanOrEqual(100);
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      // One request, one message id: the batch's, in webhook-id and webhook-batch-id.
      expect(r.headers['webhook-batch-id']).toMatch(/^bat_[0-9a-f]{32}$/);
      expect(r.headers['webhook-id']).toBe(r.headers['webhook-batch-id']);
    }
    const items = requests.flatMap(activitiesOf);
    expect(items.length).toBe(1_000);
    expect(new Set(items)).toEqual(new Set(expected));
  });

  it('sends a batch the receiver failed again with the same batch id and the same item ids, and logs the batch id and its A/B variant on each item', async () => {
    // Items of two arms of one A/B test share batches; each keeps its own variant.
    const variantOf = (i: number) => (i % 2 === 0 ? 'a' : 'b');
    const expected = await trigger('retried', 100, variantOf);
    const variants = new Map(expected.map((id, i) => [id, variantOf(i)]));
    await waitFor('every item delivered', () => new Set(at('/retried').slice(1).flatMap(activitiesOf)).size >= 100, 60_000, 200);
    const [failed, ...rest] = at('/retried');
    const again = rest.find((r) => r.headers['webhook-batch-id'] === failed.headers['webhook-batch-id']);
    expect(again).toBeDefined();
    expect(activitiesOf(again!)).toEqual(activitiesOf(failed));
    expect(again!.body).toBe(failed.body);
    expect(new Set(rest.flatMap(activitiesOf))).toEqual(new Set(expected));

    // The history shows both attempts of each item of the failed batch, under the batch id.
    const history = services[1];
    const batchId = String(failed.headers['webhook-batch-id']);
    const logged = await waitFor(
      'both attempts of the failed batch in the history',
      async () => {
        const { json } = await call(history, `/v1/deliveries?${new URLSearchParams({ batchId, limit: '1000' })}`);
        const items = json.items as { deliveryId: string; outcome: string; batchId: string; variant: string | null }[];
        return items.length >= 2 * activitiesOf(failed).length ? items : undefined;
      },
      30_000,
      250,
    );
    expect(new Set(logged.map((e) => e.outcome))).toEqual(new Set(['RETRY_SCHEDULED', 'DELIVERED']));
    expect(new Set(logged.map((e) => e.deliveryId))).toEqual(new Set(activitiesOf(failed)));
    expect(logged.every((e) => e.batchId === batchId)).toBe(true);
    expect(logged.every((e) => e.variant === variants.get(e.deliveryId))).toBe(true);
    expect(new Set(logged.map((e) => e.variant))).toEqual(new Set(['a', 'b']));
  });

  it('refuses batch settings it cannot keep, naming the field, and send test delivers a batch of one', async () => {
    const bad = await call(controlPlane, '/v1/webhooks', { ...smartech('bad', { maxItems: 5_000, maxWaitMs: 100 }) });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: '$.params.maxItems' })]);
    const form = await call(controlPlane, '/v1/webhooks', { id: 'form', name: 'f', url: `${receiver.url}/form`, contentType: 'application/x-www-form-urlencoded', form: { a: 'b' }, batch: { maxItems: 10, maxWaitMs: 100, template: '{{#each items}}{{/each}}' } });
    expect(form).toMatchObject({ status: 400, json: { errors: [expect.objectContaining({ path: '$.batch' })] } });

    const before = at('/bulk').length;
    const tried = await call(controlPlane, '/v1/webhooks/bulk/test', {});
    expect(tried.json).toMatchObject({ ok: true });
    const [sent] = at('/bulk').slice(before);
    expect(sent.headers['webhook-id']).toBe(sent.headers['webhook-batch-id']);
    expect(activitiesOf(sent)).toEqual([expect.stringMatching(/^msg_test_/)]);
  });

  it('loses no item when the dispatcher is killed (-9) while a batch is being collected', async () => {
    const expected = await trigger('crash', 250);
    // Two full batches go out; the last 50 items wait for more (maxWaitMs 8 s), held uncommitted.
    await waitFor('two full batches', () => at('/crash').length >= 2, 60_000, 100);
    // The other 50 are in the dispatcher, waiting for their batch (not rendered late, not sent).
    await waitFor('50 items held', async () => sumOf(await scrapeMetrics(dispatcher.url), 'cuewire_delivery_batch_items_held') === 50, 30_000, 200);
    await sleep(500);
    expect(at('/crash').flatMap(activitiesOf).length).toBe(200);
    await dispatcher.kill();

    dispatcher = await ServiceProcess.start('dispatcher', env);
    services.push(dispatcher);
    await waitFor('every item after the restart', () => new Set(at('/crash').flatMap(activitiesOf)).size >= 250, 90_000, 250);
    const items = at('/crash').flatMap(activitiesOf);
    expect(new Set(items)).toEqual(new Set(expected));
    // Items replayed after the crash that were already acknowledged are skipped, not sent again.
    expect(items.length).toBe(250);
  });
});
