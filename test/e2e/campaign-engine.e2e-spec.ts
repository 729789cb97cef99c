import { setTimeout as sleep } from 'node:timers/promises';
import { authHeaders, HttpReceiver, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';

/**
 * Audiences kept by the segmenter, caps, on-demand firing and rules on other campaigns,
 * through the real pipeline.
 */
describe('campaign engine through the pipeline', () => {
  const { id: run, env } = isolatedRun('engine', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8' });
  const services: ServiceProcess[] = [];
  let receiver: HttpReceiver;
  let controlPlane: ServiceProcess;
  let ingest: ServiceProcess;
  const [vip, regular] = [`vip-${run}`, `regular-${run}`];

  const send = async (base: ServiceProcess, method: string, path: string, body: unknown) => {
    const init = body === undefined ? { method, headers: authHeaders() } : { method, headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) };
    const res = await fetch(`${base.url}${path}`, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const hooks = (campaign: string, customerId: string) => receiver.requests.filter((r) => r.path === `/${campaign}/${customerId}`);

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    const create = async (path: string, body: object) => expect((await send(controlPlane, 'POST', path, body)).status).toBe(201);
    await create('/v1/webhooks', { id: 'hook', name: 'Hook', url: `${receiver.url}/{{campaign.id}}/{{customer.id}}`, body: '{"c": {{json customer.id}} }' });
    await create('/v1/segments', { id: 'vips', name: 'VIPs', conditions: [{ field: 'vip', op: 'eq', value: true }] });
    await create('/v1/segments', { id: 'opted-out', name: 'Opted out', conditions: [{ field: 'optOut', op: 'eq', value: true }] });
    await create('/v1/segments', { id: 'everyone', name: 'Everyone', conditions: [] });
    await create('/v1/campaigns', {
      id: 'vip-thanks', name: 'VIP thanks', status: 'live', audience: { segmentId: 'vips' },
      trigger: { type: 'event', eventType: 'purchase' }, caps: { oncePerCustomer: true }, webhookIds: ['hook'],
    });
    await create('/v1/campaigns', {
      id: 'win-back', name: 'Win back', status: 'live', trigger: { type: 'on-demand' },
      filters: { profile: [{ field: 'vip', op: 'eq', value: false }] }, webhookIds: ['hook'],
    });
    await create('/v1/campaigns', {
      id: 'review-follow-up', name: 'Review follow-up', status: 'live', trigger: { type: 'event', eventType: 'review' },
      filters: { campaigns: [{ rule: 'received', campaignId: 'vip-thanks', within: 'P7D' }] }, webhookIds: ['hook'],
    });
    await create('/v1/campaigns', {
      id: 'nudge', name: 'Cart nudge', status: 'live',
      trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: 'PT3S' },
      filters: { segments: { notIn: ['opted-out'] } }, webhookIds: ['hook'],
    });
    const started = await ServiceProcess.startAll(['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher'], env);
    services.push(...started);
    ingest = started[0];
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
  });

  it('keeps segment membership as profiles change and answers its size', async () => {
    expect((await send(ingest, 'PATCH', `/v1/customers/${vip}`, { attributes: { vip: true } })).status).toBe(202);
    expect((await send(ingest, 'PATCH', `/v1/customers/${regular}`, { attributes: { vip: false, optOut: true } })).status).toBe(202);
    await waitFor('segment size 1', async () => (await send(controlPlane, 'GET', '/v1/segments/vips/size', undefined)).body.members === 1);
    const size = async (segmentId: string) => (await send(controlPlane, 'GET', `/v1/segments/${segmentId}/size`, undefined)).body.members;
    await waitFor('the opt-out and everyone segments', async () => (await size('opted-out')) === 1 && (await size('everyone')) === 2);
  });

  it('fires an audience campaign once per customer (cap) and only for members', async () => {
    for (const customerId of [vip, vip, regular]) {
      expect((await send(ingest, 'POST', '/v1/events', { customerId, type: 'purchase', properties: {} })).status).toBe(202);
      await sleep(300);
    }
    await waitFor('the VIP thanks', () => hooks('vip-thanks', vip).length > 0, 60_000);
    await sleep(2_000);
    expect(hooks('vip-thanks', vip)).toHaveLength(1);
    expect(hooks('vip-thanks', regular)).toEqual([]);
  });

  it('applies segment filters when a timer fires and when a schedule fans out: opt-outs are respected, "in" holds', async () => {
    for (const customerId of [vip, regular]) expect((await send(ingest, 'POST', '/v1/events', { customerId, type: 'cart_add', properties: {} })).status).toBe(202);
    expect(
      (await send(controlPlane, 'POST', '/v1/campaigns', {
        id: 'vip-digest', name: 'VIP digest', status: 'live', audience: { segmentId: 'everyone' },
        trigger: { type: 'schedule', at: new Date(Date.now() + 3_000).toISOString() },
        filters: { segments: { in: ['vips'], notIn: ['opted-out'] } }, webhookIds: ['hook'],
      })).status,
    ).toBe(201);
    await waitFor('the nudge for the VIP', () => hooks('nudge', vip).length > 0, 60_000);
    await sleep(2_000);
    expect(hooks('nudge', regular)).toEqual([]);
    await waitFor('the digest for the VIP', () => hooks('vip-digest', vip).length > 0, 60_000);
    await sleep(2_000);
    expect(hooks('vip-digest', regular)).toEqual([]);
  });

  it('fires a follow-up only for customers who received the other campaign', async () => {
    for (const customerId of [vip, regular]) await send(ingest, 'POST', '/v1/events', { customerId, type: 'review', properties: {} });
    await waitFor('the review follow-up', () => hooks('review-follow-up', vip).length > 0, 60_000);
    await sleep(2_000);
    expect(hooks('review-follow-up', regular)).toEqual([]);
  });

  it('fires an on-demand campaign for listed customers, through its filters', async () => {
    const res = await send(controlPlane, 'POST', '/v1/campaigns/win-back/trigger', { customerIds: [vip, regular] });
    expect(res).toMatchObject({ status: 202, body: { customers: 2 } });
    await waitFor('the win-back', () => hooks('win-back', regular).length > 0, 60_000);
    await sleep(2_000);
    expect(hooks('win-back', vip)).toEqual([]);
    expect((await send(controlPlane, 'POST', '/v1/campaigns/vip-thanks/trigger', { customerIds: [vip] })).status).toBe(400);
  });

  it('sends an on-demand firing once when the client retries with the same Idempotency-Key', async () => {
    const retried = `retried-${run}`;
    expect((await send(ingest, 'PATCH', `/v1/customers/${retried}`, { attributes: { vip: false } })).status).toBe(202);
    await sleep(1_000);
    const fire = (key: string) =>
      fetch(`${controlPlane.url}/v1/campaigns/win-back/trigger`, {
        method: 'POST',
        headers: authHeaders({ 'content-type': 'application/json', 'idempotency-key': key }),
        body: JSON.stringify({ customerIds: [retried] }),
      });
    // The first answer "timed out" for the client; the retry carries the same key.
    expect((await fire(`win-back-${run}`)).status).toBe(202);
    await waitFor('the first win-back', () => hooks('win-back', retried).length > 0, 60_000);
    expect((await fire(`win-back-${run}`)).status).toBe(202);
    await sleep(3_000);
    expect(hooks('win-back', retried)).toHaveLength(1);

    const invalid = await fire('has spaces in it');
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: { path: string }[] }).errors[0].path).toBe('header Idempotency-Key');
  });

  it('rejects invalid definitions with the JSON path of each error, storing nothing', async () => {
    const res = await send(controlPlane, 'POST', '/v1/campaigns', {
      id: 'broken', name: 'Broken', status: 'live',
      window: { start: '2026-12-24T00:00:00Z', end: '2026-12-01T00:00:00Z' },
      trigger: { type: 'event', eventType: 'purchase', where: [{ field: 'total', op: 'approximately', value: 1 }] },
      webhookIds: ['no-such-webhook'],
    });
    expect(res.status).toBe(400);
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['$.trigger.where[0].op', '$.window.end']));
    expect((await fetch(`${controlPlane.url}/v1/campaigns/broken`, { headers: authHeaders() })).status).toBe(404);
    const unknownWebhook = await send(controlPlane, 'POST', '/v1/campaigns', { id: 'broken', name: 'B', trigger: { type: 'event', eventType: 'x' }, webhookIds: ['nope'] });
    expect(unknownWebhook.body.errors).toEqual([{ path: '$.webhookIds[0]', message: 'webhook nope does not exist' }]);
    const unknownSegment = await send(controlPlane, 'POST', '/v1/campaigns', { id: 'broken', name: 'B', audience: { segmentId: 'nope' }, trigger: { type: 'event', eventType: 'x' }, webhookIds: ['hook'] });
    expect(unknownSegment.body.errors).toEqual([{ path: '$.audience.segmentId', message: 'segment nope does not exist' }]);
  });
});
