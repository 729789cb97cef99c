import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde } from '@cuewire/kafka';
import { authHeaders, KafkaProbe, ServiceProcess, testBrokers, testRegistryUrl } from '@cuewire/testing';

/**
 * Provider callbacks against the built feedback-receiver process, over the real broker,
 * registry and Redis. Signatures are made exactly as each provider documents them. The topic
 * has one partition, so once a sentinel event posted last is read, everything before it is too.
 */
describe('feedback-receiver: provider callbacks become engagement events, once', () => {
  const run = randomUUID().slice(0, 8);
  const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const swSecret = `whsec_${Buffer.from(`feedback-e2e-secret-${run}`).toString('base64')}`;
  const publicBase = 'https://hooks.example.test';
  const env = {
    KAFKA_TOPIC_PREFIX: `e2e-fb-${run}.`,
    KAFKA_TOPIC_PARTITIONS: '1',
    KAFKA_GROUP_PREFIX: `e2e-fb-${run}`,
    REDIS_KEY_PREFIX: `e2e-fb-${run}:`,
    HTTP_BODY_LIMIT_BYTES: String(64 * 1024),
    FEEDBACK_SENDGRID_PUBLIC_KEY: sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    FEEDBACK_TWILIO_AUTH_TOKENS: `twilio-token-${run}`,
    FEEDBACK_PUBLIC_BASE_URL: publicBase,
    FEEDBACK_STANDARD_WEBHOOKS_SECRETS: swSecret,
    FEEDBACK_SMARTECH_USERNAME: 'smartech',
    FEEDBACK_SMARTECH_PASSWORD: `pw-${run}`,
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

  const nowSeconds = () => String(Math.floor(Date.now() / 1000));

  /** SendGrid: ECDSA P-256/SHA-256 over timestamp + raw body, DER, base64. */
  const postSendgrid = (body: string, timestamp = nowSeconds(), signedBody = body) =>
    fetch(`${service.url}/v1/feedback/sendgrid`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
        'X-Twilio-Email-Event-Webhook-Signature': sign('sha256', Buffer.from(timestamp + signedBody), { key: sendgridKeys.privateKey, dsaEncoding: 'der' }).toString('base64'),
      },
      body,
    });

  /** Twilio: base64(HMAC-SHA1(token, full URL + sorted name+value pairs)). */
  const postTwilio = (query: string, params: Record<string, string>, token = env.FEEDBACK_TWILIO_AUTH_TOKENS, signedQuery = query) => {
    const path = `/v1/feedback/twilio/status?${query}`;
    const data = Object.keys(params).sort().map((k) => k + params[k]).join('');
    const signature = createHmac('sha1', token).update(`${publicBase}/v1/feedback/twilio/status?${signedQuery}${data}`).digest('base64');
    return fetch(service.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, body: new URLSearchParams(params) });
  };

  const postStandardWebhook = (id: string, body: string, at = new Date(), signedBody = body) =>
    fetch(`${service.url}/v1/feedback/standard-webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(swSecret).sign(id, at, signedBody) },
      body,
    });

  const postSmartech = (data: unknown, password = env.FEEDBACK_SMARTECH_PASSWORD) =>
    fetch(`${service.url}/v1/feedback/smartech`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`smartech:${password}`).toString('base64')}` },
      body: new URLSearchParams({ data: typeof data === 'string' ? data : JSON.stringify(data) }),
    });

  /** Every engagement event published so far (read up to a sentinel posted now). */
  async function publishedEvents(): Promise<CustomerEvent[]> {
    const sentinel = await fetch(`${service.url}/v1/feedback/engagements`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ customerId: `sentinel-${run}`, type: 'push_view' }) });
    const { eventId } = (await sentinel.json()) as { eventId: string };
    const records = await probe.readUntil(topic, (rs) => rs.some((r) => r.value.includes(Buffer.from(eventId))));
    return Promise.all(records.map((r) => serde.decode<CustomerEvent>(r.value)));
  }
  const ofCustomer = (events: CustomerEvent[], customerId: string) => events.filter((e) => e.customerId === customerId);
  const props = (e: CustomerEvent) => JSON.parse(e.properties) as Record<string, unknown>;

  it('SendGrid: a signed batch is published once, replays are duplicates, the first open is marked', async () => {
    const customerId = `sg-${run}`;
    const args = { cuewire_customer_id: customerId, cuewire_delivery_id: `msg-sg-${run}`, cuewire_campaign_id: 'welcome' };
    const batch = JSON.stringify([
      { ...args, event: 'delivered', sg_event_id: `d-${run}`, timestamp: 1_800_000_000 },
      { ...args, event: 'open', sg_event_id: `o1-${run}`, timestamp: 1_800_000_100 },
      { ...args, event: 'open', sg_event_id: `o2-${run}`, timestamp: 1_800_000_200 },
      { ...args, event: 'click', sg_event_id: `c-${run}`, url: 'https://shop.example/p/1' },
      { ...args, event: 'bounce', sg_event_id: `b-${run}`, reason: '550 unknown user' },
      { ...args, event: 'processed', sg_event_id: `p-${run}` },
      { event: 'open', email: 'not-ours@example.com', sg_event_id: `x-${run}` },
    ]);
    const first = await postSendgrid(batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 5, duplicates: 0, ignored: 2 });
    const replay = await postSendgrid(batch);
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: 5, ignored: 2 });

    const events = ofCustomer(await publishedEvents(), customerId);
    expect(events.map((e) => e.type).sort()).toEqual(['email_bounce', 'email_click', 'email_delivered', 'email_open', 'email_open']);
    expect(events.every((e) => e.source === 'feedback' && props(e).deliveryId === args.cuewire_delivery_id && props(e).campaignId === 'welcome' && props(e).provider === 'sendgrid')).toBe(true);
    const opens = events.filter((e) => e.type === 'email_open').sort((a, b) => a.occurredAt - b.occurredAt);
    expect(opens.map((e) => props(e).first_open)).toEqual([true, false]);
    expect(props(events.find((e) => e.type === 'email_click')!).url).toBe('https://shop.example/p/1');
  });

  it('SendGrid: a tampered body, a stale timestamp or no signature gets 401 and publishes nothing', async () => {
    const customerId = `sg-bad-${run}`;
    const body = JSON.stringify([{ cuewire_customer_id: customerId, event: 'open', sg_event_id: `bad-${run}` }]);
    expect((await postSendgrid(body.replace('open', 'click'), nowSeconds(), body)).status).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 301);
    const staleResponse = await postSendgrid(body, stale);
    expect(staleResponse.status).toBe(401);
    expect(((await staleResponse.json()) as { detail: string }).detail).toMatch(/tolerance/);
    expect((await fetch(`${service.url}/v1/feedback/sendgrid`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    expect(ofCustomer(await publishedEvents(), customerId)).toEqual([]);
  });

  it('Twilio: a signed "delivered" status becomes one sms_delivered; a bad signature gets 401', async () => {
    const customerId = `tw-${run}`;
    const query = `cuewire_customer_id=${customerId}&cuewire_delivery_id=msg-tw-${run}&cuewire_campaign_id=winback`;
    const params = { MessageSid: `SM${run}`, MessageStatus: 'delivered', To: '+15550001111', AccountSid: 'AC1' };
    expect(await (await postTwilio(query, params)).json()).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
    expect(await (await postTwilio(query, params)).json()).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    expect(await (await postTwilio(query, { ...params, MessageStatus: 'sent' })).json()).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
    expect((await postTwilio(query, params, 'wrong-token')).status).toBe(401);
    // The ids in the URL are signed too: pointing a signed callback at another customer fails.
    expect((await postTwilio(query.replace(customerId, 'someone-else'), params, env.FEEDBACK_TWILIO_AUTH_TOKENS, query)).status).toBe(401);

    const events = ofCustomer(await publishedEvents(), customerId);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('sms_delivered');
    expect(props(events[0])).toMatchObject({ deliveryId: `msg-tw-${run}`, campaignId: 'winback', provider: 'twilio', messageSid: `SM${run}` });
  });

  it('Standard Webhooks: a signed engagement is published once per webhook-id; tampered or stale gets 401', async () => {
    const customerId = `sw-${run}`;
    const body = JSON.stringify({ customerId, type: 'push_click', deliveryId: `msg-sw-${run}`, campaignId: 'app', url: 'https://app.example/deep' });
    expect(await (await postStandardWebhook(`msg_${run}_1`, body)).json()).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
    expect(await (await postStandardWebhook(`msg_${run}_1`, body)).json()).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    expect((await postStandardWebhook(`msg_${run}_2`, body.replace('push_click', 'push_view'), new Date(), body)).status).toBe(401);
    expect((await postStandardWebhook(`msg_${run}_3`, body, new Date(Date.now() - 400_000))).status).toBe(401);
    const missingField = await postStandardWebhook(`msg_${run}_4`, JSON.stringify({ type: 'push_click' }));
    expect(missingField.status).toBe(400);
    expect(((await missingField.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['$.customerId']);

    const events = ofCustomer(await publishedEvents(), customerId);
    expect(events.map((e) => e.type)).toEqual(['push_click']);
    expect(props(events[0])).toMatchObject({ provider: 'standard-webhooks', providerEventId: `msg_${run}_1`, url: 'https://app.example/deep' });
  });

  it('Smartech: data=<json> with Basic auth maps channel activities; wrong credentials 401, malformed data 400', async () => {
    const customerId = `st-${run}`;
    const activity = (name: string, channel: string) => ({
      webhook_name: name,
      event_params: { foreignkey: customerId, linkid: -1 },
      custom_params: { automationid: '169', link: 'http://www.some_link.com', channel, cuewire_delivery_id: `msg-st-${run}-${channel}` },
      att_params: { CITY: 'Thane' },
    });
    const data = { panelname: [activity('SMS_CLICK', 'sms'), activity('Email_CLICK', 'email'), activity('APN_CLICK', 'APN'), { channel: 'custom_activity', webhook_name: 'x' }] };
    const ok = await postSmartech(data);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ accepted: 3, duplicates: 0, ignored: 1 });
    expect(await (await postSmartech(data)).json()).toEqual({ accepted: 0, duplicates: 3, ignored: 1 });
    expect((await postSmartech(data, 'wrong')).status).toBe(401);
    const malformed = await postSmartech('{"panelname": [');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { errors: { path: string }[] }).errors[0].path).toBe('data');

    const events = ofCustomer(await publishedEvents(), customerId);
    expect(events.map((e) => e.type).sort()).toEqual(['email_click', 'push_click', 'sms_click']);
    expect(props(events.find((e) => e.type === 'sms_click')!)).toMatchObject({ provider: 'smartech', url: 'http://www.some_link.com', deliveryId: `msg-st-${run}-sms` });
  });

  it('the generic endpoint dedupes by delivery; an oversized body gets 413', async () => {
    const customerId = `api-${run}`;
    const post = () => fetch(`${service.url}/v1/feedback/engagements`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ customerId, type: 'email_delivered', deliveryId: `msg-api-${run}` }) });
    const [a, b] = [(await (await post()).json()) as { eventId: string; duplicate: boolean }, (await (await post()).json()) as { eventId: string; duplicate: boolean }];
    expect(b).toEqual({ eventId: a.eventId, duplicate: true });
    expect(a.duplicate).toBe(false);

    const huge = JSON.stringify([{ cuewire_customer_id: customerId, event: 'open', pad: 'x'.repeat(70 * 1024) }]);
    expect((await postSendgrid(huge)).status).toBe(413);
    expect(ofCustomer(await publishedEvents(), customerId)).toHaveLength(1);
  });
});
