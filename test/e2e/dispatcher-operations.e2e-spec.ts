import { authHeaders, HttpReceiver, isolatedDatabase, isolatedRun, ScriptedReceiver, ServiceProcess, waitFor } from '@cuewire/testing';
import { dispatcherHarness } from './dispatcher-harness.js';

type LogEntry = { deliveryId: string; customerId: string; campaignId: string; attempt: number; outcome: string; statusCode: number | null; attemptedAt: number };

/**
 * What an operator does with the dispatcher: read the delivery history (the history service:
 * filters, pages, summary),
 * replay dead deliveries (never re-sending an acknowledged one), and rely on the rate limit,
 * the time-based auto-disable and the alert webhook.
 */
describe('dispatcher: delivery log, replay, rate limit, auto-disable', () => {
  let receiver: ScriptedReceiver;
  let alerts: HttpReceiver;
  let controlPlane: ServiceProcess;
  let dispatcher: ServiceProcess;
  let history: ServiceProcess;
  let badRecovered = false;
  const database = isolatedDatabase('e2e_dispatch_ops');
  const run = isolatedRun('e2e-dispatch-ops', {});
  const h = dispatcherHarness(run.env);
  const id = (name: string) => `${name}-${run.id}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${dispatcher.url}${path}`, { ...init, headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...authHeaders() } });
  const historyApi = (path: string) => fetch(`${history.url}${path}`, { headers: authHeaders() });
  const page = async (query: Record<string, string>) => (await (await historyApi(`/v1/deliveries?${new URLSearchParams(query)}`)).json()) as { items: LogEntry[]; nextCursor: string | null };

  beforeAll(async () => {
    receiver = await ScriptedReceiver.start();
    alerts = await HttpReceiver.start();
    const env = {
      ...run.env,
      DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
      DISPATCH_BREAKER_FAILURES: '2',
      DISPATCH_BREAKER_COOLDOWN_MS: '300',
      DISPATCH_DISABLE_AFTER_MS: '2000',
      DISPATCH_ALERT_WEBHOOK_URL: `${alerts.url}/alerts`,
      DISPATCH_ALERT_PERIOD_SECONDS: '600',
    };
    controlPlane = await ServiceProcess.start('control-plane', env);
    await h.createWebhook(controlPlane, { id: id('logs'), url: `${receiver.url}/logs`, retry: { schedule: ['1s'] } });
    await h.createWebhook(controlPlane, { id: id('metered'), url: `${receiver.url}/metered`, rateLimit: { perSecond: 5, burst: 1 } });
    await h.createWebhook(controlPlane, { id: id('sick'), url: `${receiver.url}/sick`, retry: { schedule: ['1s', '1s', '1s', '1s', '1s', '1s'] } });
    receiver.answer((req) => {
      if (req.path === '/logs/bad') return badRecovered ? { status: 200 } : { status: 500, body: 'boom' };
      if (req.path === '/sick') return { status: 503, body: 'down for maintenance' };
      return { status: 200, body: 'ok' };
    });
    [dispatcher, history] = await ServiceProcess.startAll(['dispatcher', 'history'], { ...env, DATABASE_URL: database.url });
  }, 120_000);

  afterAll(async () => {
    await history?.stop();
    await database.drop();
    await dispatcher?.stop();
    await controlPlane?.stop();
    await h.producer.close();
    await receiver?.stop();
    await alerts?.stop();
  });

  const started = Date.now();
  let bad: ReturnType<typeof h.request>[] = [];

  it('filters the log by webhook, outcome, customer, campaign and time, pages it, and sums it up', async () => {
    const good = ['c-ann', 'c-bob', 'c-cy', 'c-ann', 'c-bob', 'c-cy'].map((customer, i) => ({ ...h.request(id('logs'), `${receiver.url}/logs/ok`, customer), campaignId: i < 2 ? 'camp-spring' : 'camp-summer' }));
    bad = ['c-dee', 'c-eve'].map((customer) => ({ ...h.request(id('logs'), `${receiver.url}/logs/bad`, customer), campaignId: 'camp-summer' }));
    await h.send([...good, ...bad]);
    const all = await waitFor('10 attempts in the history', async () => {
      const p = await page({ webhookId: id('logs'), limit: '100' });
      return p.items.length >= 10 ? p.items : undefined;
    }, 30_000);
    expect(all).toHaveLength(10);
    expect(all.map((e) => e.attemptedAt)).toEqual([...all.map((e) => e.attemptedAt)].sort((a, b) => b - a));

    const dead = (await page({ webhookId: id('logs'), outcome: 'DEAD' })).items;
    expect(dead.map((e) => [e.outcome, e.statusCode, e.attempt])).toEqual([['DEAD', 500, 2], ['DEAD', 500, 2]]);
    expect(new Set(dead.map((e) => e.deliveryId))).toEqual(new Set(bad.map((r) => r.deliveryId)));
    expect((await page({ customerId: 'c-dee', outcome: 'RETRY_SCHEDULED' })).items.map((e) => e.deliveryId)).toEqual([bad[0].deliveryId]);
    expect((await page({ webhookId: id('logs'), customerId: 'c-ann' })).items.map((e) => e.outcome)).toEqual(['DELIVERED', 'DELIVERED']);
    expect((await page({ webhookId: id('logs'), campaignId: 'camp-spring' })).items).toHaveLength(2);
    expect((await page({ webhookId: id('logs'), to: String(started - 1) })).items).toEqual([]);
    const middle = [...all].sort((a, b) => a.attemptedAt - b.attemptedAt)[5].attemptedAt;
    expect((await page({ webhookId: id('logs'), from: String(middle) })).items.every((e) => e.attemptedAt >= middle)).toBe(true);

    const paged: LogEntry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: { items: LogEntry[]; nextCursor: string | null } = await page({ webhookId: id('logs'), limit: '3', ...(cursor ? { cursor } : {}) });
      paged.push(...p.items);
      cursor = p.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(paged).toEqual(all);

    const summary = await (await historyApi(`/v1/deliveries/summary?webhookId=${id('logs')}`)).json();
    expect(summary).toEqual({ attempts: { DELIVERED: 6, RETRY_SCHEDULED: 2, DEAD: 2 }, deliveries: 8, variants: {} }); // no campaign of this webhook has variants
  }, 45_000);

  it('answers 400 naming the field for a bad filter, and 404 for an unknown delivery', async () => {
    const badOutcome = await historyApi(`/v1/deliveries?outcome=LOST`);
    expect(badOutcome.status).toBe(400);
    expect(JSON.stringify(await badOutcome.json())).toContain('outcome');
    const badLimit = await historyApi(`/v1/deliveries?limit=0`);
    expect(badLimit.status).toBe(400);
    expect(JSON.stringify(await badLimit.json())).toContain('limit');
    expect((await api('/v1/deliveries/msg_unknown/replay', { method: 'POST' })).status).toBe(404);
    expect((await api(`/v1/webhooks/${id('logs')}/replay-failed`, { method: 'POST', body: JSON.stringify({ since: 'yesterday' }) })).status).toBe(400);
  });

  it('replays one dead delivery, then every failed one since a time, never re-sending an acknowledged one', async () => {
    badRecovered = true;
    const [first, second] = bad.map((r) => r.deliveryId);
    const one = await api(`/v1/deliveries/${first}/replay`, { method: 'POST' });
    expect(one.status).toBe(202);
    const sends = (deliveryId: string) => receiver.on('/logs/bad').filter((r) => r.headers['webhook-id'] === deliveryId).length;
    await waitFor('the replayed delivery', () => sends(first) === 3, 20_000);

    const all = await api(`/v1/webhooks/${id('logs')}/replay-failed`, { method: 'POST', body: JSON.stringify({ since: started }) });
    expect(await all.json()).toEqual({ replayed: 2 });
    // Deferrals (the endpoint's circuit was still open from the failures) use no attempt and are not results.
    const outcomesOf = async (deliveryId: string) =>
      (await page({ webhookId: id('logs'), limit: '100' })).items
        .filter((e) => e.deliveryId === deliveryId)
        .map((e) => e.outcome)
        .reverse();
    await waitFor('the second replay round settled', async () => (await outcomesOf(first)).length === 4 && (await outcomesOf(second)).length === 3, 20_000);
    // first: failed twice, delivered on its own replay; replayed again → recognised as acknowledged, not sent.
    expect(await outcomesOf(first)).toEqual(['RETRY_SCHEDULED', 'DEAD', 'DELIVERED', 'SKIPPED_DUPLICATE']);
    expect(await outcomesOf(second)).toEqual(['RETRY_SCHEDULED', 'DEAD', 'DELIVERED']);
    expect([sends(first), sends(second)]).toEqual([3, 3]);
  }, 45_000);

  it('holds a rate-limited endpoint to its rate (5/s, burst 1)', async () => {
    const requests = Array.from({ length: 10 }, () => h.request(id('metered'), `${receiver.url}/metered`));
    await h.send(requests);
    await waitFor('10 metered deliveries', () => receiver.on('/metered').length >= 10, 30_000);
    const arrivals = receiver.on('/metered').map((r) => r.receivedAt);
    expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual(1_600);
    expect(new Set(receiver.on('/metered').map((r) => r.headers['webhook-id'])).size).toBe(10);
    // The limiter admits attempts 200 ms apart; it is judged on when the dispatcher started them
    // (the delivery log), not on arrivals, which a loaded machine's transit bunches by 300 ms
    // and more. A run is never allowed: any five attempts in a row span at least 4 × 200 ms, less
    // 200 ms for the Redis round trip and the dispatcher's event loop between admission and attempt.
    let started: number[] = [];
    await waitFor('10 metered attempts in the delivery log', async () => {
      started = (await page({ webhookId: id('metered'), limit: '100' })).items.filter((e) => e.outcome === 'DELIVERED').map((e) => e.attemptedAt).sort((a, b) => a - b);
      return started.length >= 10;
    }, 20_000);
    const spans = started.slice(4).map((t, i) => t - started[i]);
    expect(Math.min(...spans)).toBeGreaterThanOrEqual(600);
  }, 40_000);

  it('disables an endpoint failing past DISPATCH_DISABLE_AFTER_MS, parks what follows, and alerts the alert webhook once', async () => {
    await h.send(Array.from({ length: 3 }, () => h.request(id('sick'), `${receiver.url}/sick`)));
    const state = await waitFor('the sick endpoint disabled', async () => {
      const s = (await (await api(`/v1/endpoints/${id('sick')}`)).json()) as { disabled: boolean; reason: string };
      return s.disabled ? s : undefined;
    }, 30_000);
    expect(state.reason).toMatch(/^failing for \d+ s \(\d+ attempts\)$/);
    await waitFor('the parked deliveries', async () => ((await (await api(`/v1/endpoints/${id('sick')}`)).json()) as { parked: number }).parked >= 1, 20_000);
    const attemptsWhenDisabled = receiver.on('/sick').length;
    const later = h.request(id('sick'), `${receiver.url}/sick`);
    await h.send([later]);
    await waitFor('the new delivery parked', async () => (await page({ webhookId: id('sick'), outcome: 'PARKED' })).items.some((e) => e.deliveryId === later.deliveryId), 20_000);
    expect(receiver.on('/sick').length).toBe(attemptsWhenDisabled);

    const sickAlerts = () => alerts.requests.map((r) => JSON.parse(r.body) as { type: string; webhookId: string; lastAttempt: { statusCode: number } }).filter((a) => a.webhookId === id('sick'));
    await waitFor('an alert on the alert webhook', () => sickAlerts().length >= 1, 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    // Failing, then disabled, inside one alert period: one notification for the endpoint.
    expect(sickAlerts()).toHaveLength(1);
    const [alert] = sickAlerts();
    expect(alert).toMatchObject({ type: 'webhook.failing', webhookId: id('sick'), lastAttempt: { statusCode: 503 } });
  }, 60_000);
});
