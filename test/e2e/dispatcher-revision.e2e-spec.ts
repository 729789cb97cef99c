import { Topics, type WebhookDeadLetter } from '@cuewire/contracts';
import { AvroSerde } from '@cuewire/kafka';
import { authHeaders, HttpReceiver, isolatedRun, KafkaProbe, ServiceProcess, testBrokers, testRegistryUrl, waitFor } from '@cuewire/testing';
import { dispatcherHarness } from './dispatcher-harness.js';

/**
 * A retry, parked delivery or replay carries the URL rendered under the webhook's revision of
 * that time, while credentials are the webhook's current ones. A webhook moved to another host
 * must not hand its new token to the old host: such a request is dead-lettered with the reason
 * (a replay renders it for the new host).
 */
describe('dispatcher: a request rendered before its webhook moved host', () => {
  const { env } = isolatedRun('drev', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8' });
  const h = dispatcherHarness(env);
  const services: ServiceProcess[] = [];
  const receivers: HttpReceiver[] = [];

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(receivers.map((r) => r.stop()));
    await h.producer.close();
  });

  it('is dead-lettered with the reason, and the old host gets nothing', async () => {
    const [oldHost, newHost] = await Promise.all([HttpReceiver.start(), HttpReceiver.start()]);
    receivers.push(oldHost, newHost);
    const controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    await h.createWebhook(controlPlane, { id: 'moving', url: `${oldHost.url}/hook`, body: '{}', auth: { type: 'bearer', token: 'token-for-the-old-host' } });
    const moved = await fetch(`${controlPlane.url}/v1/webhooks/moving`, {
      method: 'PUT',
      headers: authHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'moving', url: `${newHost.url}/hook`, body: '{}', auth: { type: 'bearer', token: 'token-for-the-new-host' } }),
    });
    expect(moved.status).toBe(200);
    const { revision } = (await moved.json()) as { revision: number };
    services.push(await ServiceProcess.start('dispatcher', env));

    const stale = { ...h.request('moving', `${oldHost.url}/hook`), webhookRevision: revision - 1 };
    const current = { ...h.request('moving', `${newHost.url}/hook`), webhookRevision: revision };
    await h.send([stale, current]);

    await waitFor('the current request at the new host', () => newHost.requests.length >= 1, 60_000);
    expect(newHost.requests[0].headers.authorization).toBe('Bearer token-for-the-new-host');
    const serde = new AvroSerde(testRegistryUrl());
    const probe = new KafkaProbe(testBrokers());
    try {
      const letters = await probe.readUntil(`${env.KAFKA_TOPIC_PREFIX}${Topics.webhookDeadLetters.name}`, (rs) => rs.length >= 1, 60_000);
      const letter = await serde.decode<WebhookDeadLetter>(letters[0].value);
      expect(letter.request.deliveryId).toBe(stale.deliveryId);
      expect(letter.reason).toMatch(/moved from http:\/\/127\.0\.0\.1:\d+ to http:\/\/127\.0\.0\.1:\d+ after this request was rendered/);
    } finally {
      await probe.close();
    }
    expect(oldHost.requests).toHaveLength(0);
  });
});
