import { setTimeout as sleep } from 'node:timers/promises';
import { Admin } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import { RedisKeys } from '@cuewire/redis';
import { partitionForKey } from '@cuewire/kafka';
import { authHeaders, HttpReceiver, isolatedRun, ServiceProcess, testBrokers, waitFor } from '@cuewire/testing';

/**
 * "Cart add not followed by a purchase within T" through the real pipeline, with a short T:
 * fires when nothing follows, stays silent when the purchase comes in time, and fires once
 * when the evaluator is killed with SIGKILL in the middle of the window and restarted; stays
 * silent for a customer whose purchase the evaluator had not read yet when the deadline passed
 * (a frozen replica holding the partition).
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
    services.push(await ServiceProcess.start('campaign-evaluator', env));

    await waitFor('the abandoned-cart webhooks', () => webhooksFor(abandons).length > 0 && webhooksFor(crash).length > 0, 60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(windowSeconds * 1_000);
    expect(JSON.parse(webhooksFor(abandons)[0].body)).toEqual({ customer: abandons, sku: 'PLATE-6' });

    await sleep(3_000); // time for any duplicate or wrong firing to show up
    expect(webhooksFor(buys)).toEqual([]);
    expect(webhooksFor(abandons)).toHaveLength(1);
    expect(new Set(webhooksFor(crash).map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(webhooksFor(crash)).toHaveLength(1);
  });

  it('does not tell a customer "you didn\'t" while the evaluator has not read their purchase, and still fires for those who did not buy', async () => {
    // A second replica takes some partitions, then freezes (SIGSTOP): until its session times
    // out, nobody reads those partitions, while the first replica's timer poller keeps running.
    const replica = await ServiceProcess.start('campaign-evaluator', env);
    services.push(replica);
    const admin = new Admin({ clientId: 'nfb-e2e-admin', bootstrapBrokers: testBrokers() });
    const groupId = `${env.KAFKA_GROUP_PREFIX}.campaign-evaluator`;
    await waitFor('both replicas to share the partitions', async () => {
      const group = (await admin.describeGroups({ groups: [groupId] })).get(groupId);
      return group !== undefined && /stable/i.test(String(group.state)) && group.members.size === 2;
    }, 60_000);
    await admin.close();

    // One buyer and one idle customer on every partition, so some of them sit on frozen ones.
    const partitions = Number(env.KAFKA_TOPIC_PARTITIONS);
    const onPartition = (label: string, partition: number) => {
      for (let i = 0; ; i++) if (partitionForKey(`${label}-${i}-${run}`, partitions) === partition) return `${label}-${i}-${run}`;
    };
    const buyers = Array.from({ length: partitions }, (_, p) => onPartition('buyer', p));
    const idle = Array.from({ length: partitions }, (_, p) => onPartition('idle', p));
    for (const customerId of [...buyers, ...idle]) expect((await event(customerId, 'cart_add')).status).toBe(202);
    const waits = async () => (await redis.zrange(RedisKeys.dueTimers(), 0, -1)).filter((id) => [...buyers, ...idle].some((c) => id.includes(c))).length;
    await waitFor('every wait to start', async () => (await waits()) === 2 * partitions, 30_000);

    process.kill(replica.pid!, 'SIGSTOP');
    try {
      for (const customerId of buyers) expect((await event(customerId, 'purchase')).status).toBe(202); // within the window
      await sleep(windowSeconds * 1_000 + 2_000); // every deadline passes while the frozen partitions stay unread
      expect(buyers.flatMap(webhooksFor)).toEqual([]);
    } finally {
      await replica.kill(); // a stopped process still dies on SIGKILL
      services.splice(services.indexOf(replica), 1);
    }

    // Its session ends, the first replica takes its partitions, reads the purchases, and the idle customers' waits fire.
    await waitFor('a webhook for every idle customer', () => idle.every((c) => webhooksFor(c).length > 0), 90_000);
    await sleep(2_000);
    expect(buyers.flatMap(webhooksFor)).toEqual([]);
    expect(idle.map((c) => webhooksFor(c).length)).toEqual(idle.map(() => 1));
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
