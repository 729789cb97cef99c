import { createHmac, randomUUID } from 'node:crypto';
import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde } from '@cuewire/kafka';
import { authHeaders, KafkaProbe, ServiceProcess, testBrokers, testRegistryUrl } from '@cuewire/testing';

/**
 * First-party open pixel and click redirect against the built feedback-receiver process.
 * Tokens are minted here from the documented format (libs/templating/src/tracking-token.ts), independently of
 * the app's code: base64url(JSON [kind, delivery, customer, campaign, url?]) "." 16-byte
 * HMAC-SHA256 over "cwt1." + payload.
 */
describe('feedback-receiver: open pixel and click redirect', () => {
  const run = randomUUID().slice(0, 8);
  const key = `tracking-key-${run}-0123456789abcdef`;
  const env = {
    KAFKA_TOPIC_PREFIX: `e2e-fbt-${run}.`,
    KAFKA_TOPIC_PARTITIONS: '1',
    KAFKA_GROUP_PREFIX: `e2e-fbt-${run}`,
    REDIS_KEY_PREFIX: `e2e-fbt-${run}:`,
    FEEDBACK_TRACKING_KEYS: `old-key-${run}-0123456789abcdefghij,${key}`,
  };
  const topic = env.KAFKA_TOPIC_PREFIX + Topics.customerEvents.name;
  const serde = new AvroSerde(testRegistryUrl());
  const probe = new KafkaProbe(testBrokers());
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await ServiceProcess.start('feedback-receiver', env);
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await probe.close();
  });

  const mint = (fields: string[], signingKey = key) => {
    const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
    return `${payload}.${createHmac('sha256', signingKey).update(`cwt1.${payload}`).digest().subarray(0, 16).toString('base64url')}`;
  };
  const get = (path: string) => fetch(service.url + path, { redirect: 'manual' });

  async function publishedEvents(): Promise<CustomerEvent[]> {
    const sentinel = await fetch(`${service.url}/v1/feedback/engagements`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ customerId: `sentinel-${run}`, type: 'push_view' }) });
    const { eventId } = (await sentinel.json()) as { eventId: string };
    const records = await probe.readUntil(topic, (rs) => rs.some((r) => r.value.includes(Buffer.from(eventId))));
    return Promise.all(records.map((r) => serde.decode<CustomerEvent>(r.value)));
  }
  const props = (e: CustomerEvent) => JSON.parse(e.properties) as Record<string, unknown>;

  it('the pixel answers an uncacheable 1×1 GIF and records the first open of a delivery once', async () => {
    const customerId = `open-${run}`;
    const token = mint(['o', `msg-o-${run}`, customerId, 'welcome']);
    const pixel = await get(`/t/o/${token}.gif`);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    expect(pixel.headers.get('cache-control')).toMatch(/no-store/);
    const gif = Buffer.from(await pixel.arrayBuffer());
    expect(gif.subarray(0, 6).toString()).toBe('GIF89a');
    expect([gif.readUInt16LE(6), gif.readUInt16LE(8)]).toEqual([1, 1]);
    expect((await get(`/t/o/${token}.gif`)).status).toBe(200); // the mail client loads it again

    const events = (await publishedEvents()).filter((e) => e.customerId === customerId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'email_open', source: 'feedback' });
    expect(props(events[0])).toMatchObject({ deliveryId: `msg-o-${run}`, campaignId: 'welcome', provider: 'tracking', first_open: true });
  });

  it('a forged or tampered pixel token still gets the GIF but publishes nothing', async () => {
    const customerId = `forged-open-${run}`;
    const forged = mint(['o', `msg-f-${run}`, customerId, ''], 'an-attacker-key-0123456789abcdef');
    const [payload, mac] = mint(['o', `msg-f-${run}`, 'victim', '']).split('.');
    const tampered = `${Buffer.from(JSON.stringify(['o', `msg-f-${run}`, customerId, ''])).toString('base64url')}.${mac}`;
    for (const token of [forged, tampered, `${payload}.`, 'garbage']) {
      const res = await get(`/t/o/${token}.gif`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
    }
    expect((await publishedEvents()).filter((e) => e.customerId === customerId || e.customerId === 'victim')).toEqual([]);
  });

  it('a click redirects (302) to the signed URL and records email_click with the link', async () => {
    const customerId = `click-${run}`;
    const url = 'https://shop.example/p/42?utm_source=cuewire&q=a%20b';
    const res = await get(`/t/c/${mint(['c', `msg-c-${run}`, customerId, 'welcome', url])}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(url);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);

    const events = (await publishedEvents()).filter((e) => e.customerId === customerId);
    expect(events.map((e) => e.type)).toEqual(['email_click']);
    expect(props(events[0])).toMatchObject({ url, deliveryId: `msg-c-${run}`, campaignId: 'welcome', provider: 'tracking' });
  });

  it('a tampered, forged or open-kind token never redirects: 400 naming the token', async () => {
    const customerId = `bad-click-${run}`;
    const [, mac] = mint(['c', `msg-b-${run}`, customerId, '', 'https://shop.example/']).split('.');
    const retargeted = `${Buffer.from(JSON.stringify(['c', `msg-b-${run}`, customerId, '', 'https://evil.example/'])).toString('base64url')}.${mac}`;
    const forged = mint(['c', `msg-b-${run}`, customerId, '', 'https://evil.example/'], 'an-attacker-key-0123456789abcdef');
    const openToken = mint(['o', `msg-b-${run}`, customerId, '']);
    for (const token of [retargeted, forged, openToken, 'x']) {
      const res = await get(`/t/c/${token}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(((await res.json()) as { errors: { path: string; message: string }[] }).errors).toEqual([{ path: 'token', message: expect.stringMatching(/not a valid click-tracking token/) }]);
    }
    expect((await publishedEvents()).filter((e) => e.customerId === customerId)).toEqual([]);
  });
});
