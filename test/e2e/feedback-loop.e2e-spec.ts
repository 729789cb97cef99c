import { setTimeout as sleep } from 'node:timers/promises';
import { authHeaders, HttpReceiver, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';

/**
 * The Experian/Smartech loop: an email webhook goes out; the provider reports it delivered;
 * "not clicked within 24 h" sends the SMS webhook, and a click inside the window does not.
 * The evaluator's clock runs 8,640 times faster, so the day passes in 10 seconds.
 */
describe('feedback loop: email not clicked within 24 h → SMS', () => {
  const { id: run, env } = isolatedRun('loop', { DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', EVALUATOR_CLOCK_SPEED: '8640', EVALUATOR_TIMER_POLL_MS: '200' });
  const services: ServiceProcess[] = [];
  let receiver: HttpReceiver;
  let ingest: ServiceProcess;
  let feedback: ServiceProcess;

  const post = async (base: ServiceProcess, path: string, body: unknown) =>
    (await fetch(`${base.url}${path}`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) })).status;
  const hooks = (channel: string, customerId: string) => receiver.requests.filter((r) => r.path === `/${channel}/${customerId}`);

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    const controlPlane = await ServiceProcess.start('control-plane', env);
    services.push(controlPlane);
    for (const channel of ['email', 'sms']) {
      expect(await post(controlPlane, '/v1/webhooks', { id: channel, name: channel, url: `${receiver.url}/${channel}/{{customer.id}}`, body: '{"to": {{json customer.id}}, "delivery": {{json delivery.id}} }' })).toBe(201);
    }
    expect(await post(controlPlane, '/v1/campaigns', { id: 'order-email', name: 'Order email', status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: ['email'] })).toBe(201);
    expect(
      await post(controlPlane, '/v1/campaigns', {
        id: 'sms-if-not-clicked',
        name: 'SMS if the email is not clicked',
        status: 'live',
        trigger: { type: 'not-followed-by', first: { eventType: 'email_delivered' }, then: { eventType: 'email_click' }, within: 'PT24H' },
        webhookIds: ['sms'],
      }),
    ).toBe(201);
    const started = await ServiceProcess.startAll(['ingest', 'feedback-receiver', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher'], env);
    services.push(...started);
    [ingest, feedback] = started;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
  });

  it('sends the SMS only to the customer who did not click', async () => {
    const [ignores, clicks] = [`ignores-${run}`, `clicks-${run}`];
    for (const customerId of [ignores, clicks]) expect(await post(ingest, '/v1/events', { customerId, type: 'purchase', properties: {} })).toBe(202);
    await waitFor('both order emails', () => hooks('email', ignores).length > 0 && hooks('email', clicks).length > 0, 60_000);

    // The email provider reports delivery (and, for one customer, a click an "hour" later).
    for (const customerId of [ignores, clicks]) {
      const { delivery } = JSON.parse(hooks('email', customerId)[0].body) as { delivery: string };
      expect(await post(feedback, '/v1/feedback/engagements', { customerId, type: 'email_delivered', deliveryId: delivery, campaignId: 'order-email' })).toBe(202);
    }
    await sleep(1_000);
    const { delivery } = JSON.parse(hooks('email', clicks)[0].body) as { delivery: string };
    expect(await post(feedback, '/v1/feedback/engagements', { customerId: clicks, type: 'email_click', deliveryId: delivery, campaignId: 'order-email' })).toBe(202);

    await waitFor('the SMS to the customer who did not click', () => hooks('sms', ignores).length > 0, 60_000);
    await sleep(3_000);
    expect(hooks('sms', clicks)).toEqual([]);
    expect(hooks('sms', ignores)).toHaveLength(1);
  });
});
