import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisKeys } from '@cuewire/redis';
import { authHeaders, HttpReceiver, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';

/**
 * "Cart add not followed by a purchase within T" through the real pipeline, with a short T:
 * fires when nothing follows, stays silent when the purchase comes in time, and fires once
 * when the evaluator is killed with SIGKILL in the middle of the window and restarted; stays
 * silent for a customer whose purchase the evaluator had not read yet when the deadline passed.
 */
describe('not-followed-by campaign', () => {
  const { id: run, env } = isolatedRun('nfb', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', EVALUATOR_TIMER_POLL_MS: '200' });
  const windowSeconds = 6;
  const services: ServiceProcess[] = [];
  let receiver: HttpReceiver;
  let ingest: ServiceProcess;
  let evaluator: ServiceProcess;

  let controlPlane: ServiceProcess;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.REDIS_KEY_PREFIX });
  const post = (base: ServiceProcess, path: string, body: unknown, method = 'POST') =>
    fetch(`${base.url}${path}`, { method, headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
  const event = (customerId: string, type: string) => post(ingest, '/v1/events', { customerId, type, properties: { sku: 'PLATE-6' } });
  const webhooksFor = (customerId: string) => receiver.requests.filter((r) => r.path === `/abandoned/${customerId}`);

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    expect(
      (await post(controlPlane, '/v1/webhooks', { id: 'call-centre', name: 'Call centre', url: `${receiver.url}/abandoned/{{customer.id}}`, body: '{"customer": {{json customer.id}}, "sku": {{json event.properties.sku}} }' })).status,
    ).toBe(201);
    const campaign = await post(controlPlane, '/v1/campaigns', {
      id: 'abandoned-cart',
      name: 'Abandoned cart',
      status: 'live',
      trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: `PT${windowSeconds}S` },
      webhookIds: ['call-centre'],
    });
    expect(campaign.status).toBe(201);
    const started = await ServiceProcess.startAll(['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher'], env);
    services.push(...started);
    [ingest, , evaluator] = started;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
    const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(env.REDIS_KEY_PREFIX.length)));
    redis.disconnect();
  });

  it('fires when the purchase does not come, not when it comes in time, and once across an evaluator crash', async () => {
    const [abandons, buys, crash] = [`abandons-${run}`, `buys-${run}`, `crash-${run}`];
    const started = Date.now();
    expect((await event(abandons, 'cart_add')).status).toBe(202);
    expect((await event(buys, 'cart_add')).status).toBe(202);
    expect((await event(crash, 'cart_add')).status).toBe(202);
    await sleep(1_500);
    expect((await event(buys, 'purchase')).status).toBe(202);

    // Kill the evaluator in the middle of the window; the timers are durable.
    await evaluator.kill();
    services.splice(services.indexOf(evaluator), 1);
    evaluator = await ServiceProcess.start('campaign-evaluator', env);
    services.push(evaluator);

    await waitFor('the abandoned-cart webhooks', () => webhooksFor(abandons).length > 0 && webhooksFor(crash).length > 0, 60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(windowSeconds * 1_000);
    expect(JSON.parse(webhooksFor(abandons)[0].body)).toEqual({ customer: abandons, sku: 'PLATE-6' });

    await sleep(3_000); // time for any duplicate or wrong firing to show up
    expect(webhooksFor(buys)).toEqual([]);
    expect(webhooksFor(abandons)).toHaveLength(1);
    expect(new Set(webhooksFor(crash).map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(webhooksFor(crash)).toHaveLength(1);
  });

  it('does not tell a customer "you didn\'t" when the evaluator was behind on their purchase, and still fires for those who did not buy', async () => {
    const [bought, idle] = [`bought-while-down-${run}`, `idle-while-down-${run}`];
    expect((await event(bought, 'cart_add')).status).toBe(202);
    expect((await event(idle, 'cart_add')).status).toBe(202);
    const waits = async () => (await redis.zrange(RedisKeys.dueTimers(), 0, -1)).filter((id) => id.includes(bought) || id.includes(idle)).length;
    await waitFor('both waits to start', async () => (await waits()) === 2, 30_000);

    // The evaluator falls behind: the purchase comes within the window while it is down, and the
    // deadline passes on the wall clock before it reads the purchase.
    await evaluator.stop();
    services.splice(services.indexOf(evaluator), 1);
    expect((await event(bought, 'purchase')).status).toBe(202);
    await sleep(windowSeconds * 1_000 + 1_000);
    evaluator = await ServiceProcess.start('campaign-evaluator', env);
    services.push(evaluator);

    await waitFor('the webhook of the customer who did not buy', () => webhooksFor(idle).length > 0, 60_000);
    await sleep(2_000);
    expect(webhooksFor(bought)).toEqual([]);
    expect(webhooksFor(idle)).toHaveLength(1);
  });

  it('keeps a customer part-way through on the version they started under when the campaign is edited', async () => {
    const [before, after] = [`before-edit-${run}`, `after-edit-${run}`];
    expect((await event(before, 'cart_add')).status).toBe(202);
    await sleep(500);
    const edited = await post(controlPlane, '/v1/campaigns/abandoned-cart', {
      name: 'Abandoned cart (a day)',
      status: 'live',
      trigger: { type: 'not-followed-by', first: { eventType: 'cart_add' }, then: { eventType: 'purchase' }, within: 'P1D' },
      webhookIds: ['call-centre'],
    }, 'PUT');
    expect(edited.status).toBe(200);
    await sleep(1_500); // the edit reaches the evaluator's view
    expect((await event(after, 'cart_add')).status).toBe(202);
    await waitFor('the webhook of the customer who started before the edit', () => webhooksFor(before).length > 0, 60_000);
    await sleep(windowSeconds * 1_000);
    expect(webhooksFor(after)).toEqual([]);
  });
});
