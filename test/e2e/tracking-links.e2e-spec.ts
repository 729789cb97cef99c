import { setTimeout as sleep } from 'node:timers/promises';
import { authHeaders, HttpReceiver, isolatedDatabase, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';

/**
 * Tracking from templates: the email webhook's body carries {{trackClick url}} and {{openPixel}}
 * links the renderer signed for this delivery; loading the pixel and following the link through
 * the feedback receiver produce email_open and email_click, which a "opened but not clicked
 * within 24 h" campaign sees, and which the campaign figures count. The evaluator's clock runs
 * 2,880 times faster from the moment it starts, so it reaches "the open + 24 h" about 30 s after
 * the evaluator started, however late the open came: the click must be processed before then.
 * (At 8,640× that was 10 s after the start, which a loaded machine spent before the click was
 * in, and the customer who clicked got the "not clicked" SMS too.)
 */
describe('tracking links: {{trackClick}} and {{openPixel}} close the loop', () => {
  const database = isolatedDatabase('e2e_tracking');
  const { id: run, env } = isolatedRun('e2e-track', {
    DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
    EVALUATOR_CLOCK_SPEED: '2880',
    EVALUATOR_TIMER_POLL_MS: '200',
    FEEDBACK_TRACKING_KEYS: `tracking-key-${'x'.repeat(32)}`,
    DATABASE_URL: database.url,
  });
  const [email, sms] = [`email-${run}`, `sms-${run}`];
  const services: ServiceProcess[] = [];
  let receiver: HttpReceiver;
  let cuewire: ServiceProcess;

  const post = async (base: ServiceProcess, path: string, body: unknown) =>
    (await fetch(`${base.url}${path}`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) })).status;
  const hooks = (channel: string, customerId: string) => receiver.requests.filter((r) => r.path === `/${channel}/${customerId}`);

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    const [controlPlane, feedback] = await ServiceProcess.startAll(['control-plane', 'feedback-receiver'], env);
    services.push(controlPlane, feedback);
    const body = '{"to": {{json customer.id}}, "link": {{json (trackClick "https://shop.example/sale?src=mail")}}, "pixel": {{json (openPixel)}} }';
    expect(await post(controlPlane, '/v1/webhooks', { id: email, name: 'email', url: `${receiver.url}/email/{{customer.id}}`, body })).toBe(201);
    expect(await post(controlPlane, '/v1/webhooks', { id: sms, name: 'sms', url: `${receiver.url}/sms/{{customer.id}}`, body: '{"to": {{json customer.id}} }' })).toBe(201);
    expect(await post(controlPlane, '/v1/campaigns', { id: `sale-${run}`, name: 'Sale email', status: 'live', trigger: { type: 'event', eventType: 'purchase' }, webhookIds: [email] })).toBe(201);
    const notClicked = { type: 'not-followed-by', first: { eventType: 'email_open' }, then: { eventType: 'email_click' }, within: 'PT24H' };
    expect(await post(controlPlane, '/v1/campaigns', { id: `nudge-${run}`, name: 'SMS if opened but not clicked', status: 'live', trigger: notClicked, webhookIds: [sms] })).toBe(201);
    // The renderer signs links to the feedback receiver's public origin.
    cuewire = await ServiceProcess.start('cuewire', { ...env, FEEDBACK_PUBLIC_BASE_URL: feedback.url, CUEWIRE_TARGETS: 'ingest,segmenter,campaign-evaluator,renderer,dispatcher,history' }, 120_000);
    services.push(cuewire);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
    await database.drop();
  });

  it('an open and a click through the signed links reach campaigns and the figures', async () => {
    const [opens, clicks] = [`opens-${run}`, `clicks-${run}`];
    for (const customerId of [opens, clicks]) expect(await post(cuewire, '/v1/events', { customerId, type: 'purchase', properties: {} })).toBe(202);
    await waitFor('both sale emails', () => hooks('email', opens).length > 0 && hooks('email', clicks).length > 0, 60_000);
    const links = (customerId: string) => JSON.parse(hooks('email', customerId)[0].body) as { link: string; pixel: string };

    for (const customerId of [opens, clicks]) {
      const pixel = await fetch(links(customerId).pixel);
      expect([pixel.status, pixel.headers.get('content-type')]).toEqual([200, 'image/gif']);
    }
    await sleep(1_000);
    const click = await fetch(links(clicks).link, { redirect: 'manual' });
    expect([click.status, click.headers.get('location')]).toEqual([302, 'https://shop.example/sale?src=mail']);

    await waitFor('the SMS to the customer who opened but did not click', () => hooks('sms', opens).length > 0, 60_000);
    await sleep(3_000);
    expect(hooks('sms', clicks)).toEqual([]);

    const figures = await waitFor('opens and clicks in the campaign figures', async () => {
      const res = await fetch(`${cuewire.url}/v1/campaigns/sale-${run}/figures?bucket=hour&from=${Date.now() - 3_600_000}`, { headers: authHeaders() });
      const json = (await res.json()) as { totals: Record<string, number>; webhooks: Array<{ webhookId: string; totals: Record<string, number> }> };
      return json.totals.clicked === 1 && json.totals.opened === 2 ? json : undefined;
    }, 30_000);
    // Not `triggered`: firings carry the evaluator's compressed clock, days ahead of this range.
    expect(figures.totals).toMatchObject({ sent: 2, delivered: 2, opened: 2, clicked: 1 });
    expect(figures.webhooks).toEqual([expect.objectContaining({ webhookId: email, totals: expect.objectContaining({ opened: 2, clicked: 1 }) })]);
  }, 120_000);
});
