import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { Topics, type DeadLetter } from '@cuewire/contracts';
import { AvroSerde } from '@cuewire/kafka';
import { authHeaders, HttpReceiver, isolatedRun, KafkaProbe, ServiceProcess, testBrokers, testRegistryUrl, waitFor } from '@cuewire/testing';

/**
 * The walking skeleton, end to end: every service as its own process, over the real broker,
 * registry and Redis, to a real HTTP receiver on loopback.
 */
describe('walking skeleton: a purchase becomes a signed webhook', () => {
  const { id: run, env } = isolatedRun('e2e', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8' });
  const services: ServiceProcess[] = [];
  let receiver: HttpReceiver;
  let controlPlane: ServiceProcess;
  let ingest: ServiceProcess;
  let secret: string;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.REDIS_KEY_PREFIX });

  const post = (base: ServiceProcess, path: string, body: unknown, method = 'POST') =>
    fetch(`${base.url}${path}`, { method, headers: authHeaders({ 'content-type': 'application/json' }), body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);

    const webhook = await post(controlPlane, '/v1/webhooks', {
      id: `orders-${run}`,
      name: 'Order confirmation',
      url: `${receiver.url}/hooks/{{customer.id}}`,
      headers: { 'X-Campaign': '{{campaign.id}}' },
      body: '{"customer": {{json customer.firstName}}, "total": {{json event.properties.total}}, "items": {{json event.properties.items}}, "campaign": {{json campaign.name}} }',
      signing: { type: 'standard-webhooks' },
    });
    expect(webhook.status).toBe(201);
    secret = ((await webhook.json()) as { generatedSecret: string }).generatedSecret;
    const campaign = await post(controlPlane, '/v1/campaigns', {
      id: `thanks-${run}`,
      name: 'Thank you for buying',
      status: 'live',
      trigger: { type: 'event', eventType: 'purchase' },
      webhookIds: [`orders-${run}`],
    });
    expect(campaign.status).toBe(201);

    // The pipeline starts after the config exists, so each service's view has it when ready.
    const started = await ServiceProcess.startAll(['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher', 'feedback-receiver'], env);
    services.push(...started);
    ingest = started[0];
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
    redis.disconnect();
  });

  it('delivers the rendered body, with its headers and a valid Standard Webhooks signature', async () => {
    const customerId = `c-${run}`;
    expect((await post(ingest, `/v1/customers/${customerId}`, { attributes: { firstName: 'Ada', country: 'CA' } }, 'PATCH')).status).toBe(202);
    await waitFor('the profile in Redis', async () => (await redis.get(`profile:{${customerId}}`))?.includes('Ada'));

    const items = [{ sku: 'PLATE-6', name: 'Dish set', qty: 1, price: 89.5 }, { sku: 'MUG-2', name: 'Mugs', qty: 2, price: 20 }];
    const accepted = await post(ingest, '/v1/events', { customerId, type: 'purchase', properties: { total: 129.5, currency: 'EUR', items } });
    expect(accepted.status).toBe(202);

    const delivered = await waitFor('the webhook at the receiver', () => receiver.requests.find((r) => r.path === `/hooks/${customerId}`), 60_000);
    expect(JSON.parse(delivered.body)).toEqual({ customer: 'Ada', total: 129.5, items, campaign: 'Thank you for buying' });
    expect(delivered.method).toBe('POST');
    expect(delivered.headers).toMatchObject({
      'content-type': 'application/json',
      'x-campaign': `thanks-${run}`,
      'webhook-id': expect.stringMatching(/^msg_[0-9a-f]{32}$/),
      'webhook-timestamp': expect.stringMatching(/^\d+$/),
    });
    const verified = new Webhook(secret).verify(delivered.body, {
      'webhook-id': String(delivered.headers['webhook-id']),
      'webhook-timestamp': String(delivered.headers['webhook-timestamp']),
      'webhook-signature': String(delivered.headers['webhook-signature']),
    });
    expect(verified).toEqual(JSON.parse(delivered.body));
  });

  it('answers 400 naming the problem for malformed JSON and for a missing field', async () => {
    const malformed = await post(ingest, '/v1/events', '{"customerId": "c1", "type": ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { title: string }).title).toMatch(/JSON/);

    const missing = await post(ingest, '/v1/events', [{ customerId: 'c1', type: 'purchase' }, { type: 'purchase' }]);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: unknown }).errors).toEqual([{ path: '$[1].customerId', message: expect.any(String) }]);
  });

  it('dead-letters a non-Avro record written straight to the events topic, and keeps going', async () => {
    const probe = new KafkaProbe(testBrokers());
    const key = `garbage-${run}`;
    try {
      await probe.produceRaw(env.KAFKA_TOPIC_PREFIX + Topics.customerEvents.name, key, Buffer.from('this is not avro'));
      const customerId = `after-garbage-${run}`;
      await post(ingest, `/v1/customers/${customerId}`, { attributes: { firstName: 'Grace' } }, 'PATCH');
      await waitFor('the profile in Redis', async () => (await redis.get(`profile:{${customerId}}`))?.includes('Grace'));
      await post(ingest, '/v1/events', { customerId, type: 'purchase', properties: { total: 1, items: [] } });
      await waitFor('a webhook for the event after the garbage', () => receiver.requests.some((r) => r.path === `/hooks/${customerId}`), 60_000);

      const serde = new AvroSerde(testRegistryUrl());
      const letters = await probe.readUntil(env.KAFKA_TOPIC_PREFIX + Topics.deadLetters.name, (rs) => rs.some((r) => r.key === key));
      const letter = await serde.decode<DeadLetter>(letters.find((r) => r.key === key)!.value);
      expect(letter).toMatchObject({ sourceTopic: env.KAFKA_TOPIC_PREFIX + Topics.customerEvents.name, stage: 'decode', consumerGroup: `${env.KAFKA_GROUP_PREFIX}.segmenter` });
      expect(letter.reason).toMatch(/not in the Confluent wire format/);
    } finally {
      await probe.close();
    }
  });
});
