import { CONTROL_GROUP, drawVariant } from '@cuewire/campaigns';
import { authHeaders, HttpReceiver, isolatedDatabase, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';

type Totals = { triggered: number; sent: number; delivered: number; failed: number; opened: number; clicked: number };
type Summary = { deliveries: number; variants: Record<string, { deliveries: number }> };

/**
 * An A/B test through the whole pipeline (ingest → segmenter → evaluator → renderer →
 * dispatcher → history, services of the single binary): each customer's two purchases reach
 * the receiver with their variant's subject, the control group's reach nothing, and the
 * history's figures and delivery log count per variant, the control group included. The split
 * over 10,000 customers is test/integration/campaign-variants.int-spec.ts.
 */
describe('campaign variants end to end', () => {
  const database = isolatedDatabase('e2e_variants');
  const { id: run, env } = isolatedRun('e2e-variants', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', DATABASE_URL: database.url });
  const campaignId = `offer-${run}`;
  const webhookId = `offer-hook-${run}`;
  const customers = Array.from({ length: 30 }, (_, i) => `c-${run}-${i}`);
  const subjects: Record<string, string> = { a: 'Ten percent off', b: 'Free shipping' };
  const definition = {
    id: campaignId,
    name: 'Offer test',
    status: 'live',
    trigger: { type: 'event', eventType: 'purchase' },
    webhookIds: [webhookId],
    variants: [
      { id: 'a', name: 'Ten percent', weight: 45, variables: { subject: subjects.a } },
      { id: 'b', name: 'Free shipping', weight: 45, variables: { subject: subjects.b } },
    ],
    controlGroup: { weight: 10 },
    variantSeed: '',
  };
  // A seed under which 30 customers fill every arm (the draw is the evaluator's own pure function).
  for (let n = 0; ; n++) {
    const arms = customers.map((c) => drawVariant({ ...definition, variantSeed: `s${n}` }, c));
    if (['a', 'b', CONTROL_GROUP].every((arm) => arms.filter((x) => x === arm).length >= 2)) {
      definition.variantSeed = `s${n}`;
      break;
    }
  }
  const armOf = new Map(customers.map((c) => [c, drawVariant(definition, c)]));
  const countOf = (arm: string) => customers.filter((c) => armOf.get(c) === arm).length;
  let receiver: HttpReceiver;
  let controlPlane: ServiceProcess;
  let cuewire: ServiceProcess;

  const call = async <T = Record<string, unknown>>(service: ServiceProcess, path: string, body?: unknown) => {
    const res = await fetch(`${service.url}${path}`, { method: body ? 'POST' : 'GET', headers: authHeaders(body ? { 'content-type': 'application/json' } : {}), body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, json: (await res.json()) as T };
  };

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    controlPlane = await ServiceProcess.start('control-plane', env);
    const hook = { id: webhookId, name: 'Offer', url: `${receiver.url}/offer/{{customer.id}}`, body: '{"subject": {{json variant.subject}}, "variant": {{json variant.id}} }' };
    expect(await call(controlPlane, '/v1/webhooks', hook)).toMatchObject({ status: 201 });
    expect(await call(controlPlane, '/v1/campaigns', { ...definition, id: `bad-${run}`, variants: [{ id: 'a', weight: 60 }, { id: 'b', weight: 50, webhookIds: ['no-such-hook'] }] })).toMatchObject({
      status: 400,
      json: { errors: expect.arrayContaining([{ path: '$.variants', message: 'variant weights and controlGroup.weight must add up to 100 (percent); they add up to 120' }]) },
    });
    expect(await call(controlPlane, '/v1/campaigns', definition)).toMatchObject({ status: 201, json: { variants: definition.variants, controlGroup: { weight: 10 } } });
    cuewire = await ServiceProcess.start('cuewire', { ...env, CUEWIRE_TARGETS: 'ingest,segmenter,campaign-evaluator,renderer,dispatcher,history' }, 120_000);
  }, 180_000);

  afterAll(async () => {
    await cuewire?.stop();
    await controlPlane?.stop();
    await receiver?.stop();
    await database.drop();
  });

  it("sends each customer's two purchases their variant's subject, and the control group nothing", async () => {
    const events = customers.flatMap((customerId) => [1, 2].map((n) => ({ customerId, type: 'purchase', eventId: `${customerId}-buy-${n}` })));
    expect((await call(cuewire, '/v1/events', events)).status).toBe(202);
    const treated = customers.length - countOf(CONTROL_GROUP);
    await waitFor('two webhooks per treated customer', () => (receiver.requests.length >= 2 * treated ? true : undefined), 90_000);

    for (const req of receiver.requests) {
      const customerId = req.path.split('/').pop()!;
      const arm = armOf.get(customerId)!;
      expect({ customerId, body: JSON.parse(req.body) }).toEqual({ customerId, body: { subject: subjects[arm], variant: arm } });
    }
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(2 * treated);

    const figures = await waitFor('every firing in the figures', async () => {
      const { json } = await call<{ totals: Totals; variants: { variant: string; totals: Totals }[] }>(cuewire, `/v1/campaigns/${campaignId}/figures?bucket=hour&from=${Date.now() - 3_600_000}`);
      return json.totals.triggered === 2 * customers.length && json.totals.delivered === 2 * treated ? json : undefined;
    }, 60_000);
    expect(figures.variants.map((v) => [v.variant, v.totals.triggered, v.totals.delivered])).toEqual([
      ['a', 2 * countOf('a'), 2 * countOf('a')],
      ['b', 2 * countOf('b'), 2 * countOf('b')],
      [CONTROL_GROUP, 2 * countOf(CONTROL_GROUP), 0],
    ]);
    // Everything was fired and delivered: nothing more can reach the control group.
    const control = customers.filter((c) => armOf.get(c) === CONTROL_GROUP);
    expect(receiver.requests.filter((r) => control.some((c) => r.path.endsWith(`/${c}`)))).toEqual([]);

    const summary = (await call<Summary>(cuewire, `/v1/deliveries/summary?campaignId=${campaignId}`)).json;
    expect(summary).toMatchObject({ deliveries: 2 * treated, variants: { a: { deliveries: 2 * countOf('a') }, b: { deliveries: 2 * countOf('b') } } });
    const onlyB = (await call<{ items: { variant: string; customerId: string }[] }>(cuewire, `/v1/deliveries?campaignId=${campaignId}&variant=b`)).json.items;
    expect(onlyB).toHaveLength(2 * countOf('b'));
    expect(onlyB.every((i) => i.variant === 'b' && armOf.get(i.customerId) === 'b')).toBe(true);
  }, 180_000);
});
