import { SMTPServer } from 'smtp-server';
import { authHeaders, isolatedDatabase, isolatedRun, ScriptedReceiver, ServiceProcess, waitFor } from '@cuewire/testing';
import { dispatcherHarness } from './dispatcher-harness.js';

/**
 * The dispatcher against real receivers: each failure mode ends in the right outcome, with
 * every attempt in the delivery history; 410 disables and parks; alerts go out over real SMTP.
 */
describe('dispatcher: delivery outcomes', () => {
  const mails: Array<{ subject: string; to: string }> = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let text = '';
      stream.on('data', (c: Buffer) => (text += c.toString()));
      stream.on('end', () => {
        mails.push({ subject: /^Subject: (.*)$/m.exec(text)?.[1] ?? '', to: session.envelope.rcptTo.map((r) => r.address).join(',') });
        callback();
      });
    },
  });
  let smtpPort = 0;
  let goneRecovered = false;
  let receiver: ScriptedReceiver;
  let controlPlane: ServiceProcess;
  let dispatcher: ServiceProcess;
  let history: ServiceProcess;
  const database = isolatedDatabase('e2e_dispatch');
  const run = isolatedRun('e2e-dispatch', {});
  const h = dispatcherHarness(run.env);
  const id = (name: string) => `${name}-${run.id}`;

  beforeAll(async () => {
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as { port: number }).port;
    receiver = await ScriptedReceiver.start();
    const env = {
      ...run.env,
      DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
      DISPATCH_BREAKER_FAILURES: '3',
      DISPATCH_BREAKER_COOLDOWN_MS: '500',
      DISPATCH_ALERT_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      DISPATCH_ALERT_EMAIL_TO: 'ops@example.test',
      DISPATCH_ALERT_PERIOD_SECONDS: '600',
    };
    controlPlane = await ServiceProcess.start('control-plane', env);
    const hook = (name: string, extra: Record<string, unknown> = {}) => h.createWebhook(controlPlane, { id: id(name), url: `${receiver.url}/${name}`, retry: { schedule: ['1s', '1s'] }, ...extra });
    await hook('flaky');
    await hook('slow', { timeoutMs: 300, retry: { schedule: ['1s'] } });
    await hook('gone');
    await hook('throttled');
    await hook('reset');
    await hook('broken', { retry: { schedule: ['1s', '1s', '1s'] } });
    await hook('tenSeconds', { timeoutMs: 15_000 });
    await hook('fast');
    await hook('unsendable', { retry: { schedule: ['1s', '1s'] } });
    await hook('ordered', { retry: { schedule: ['1s'] } });
    receiver.answer((req, nth) => {
      const name = req.path.slice(1);
      if (name === 'flaky') return nth <= 2 ? { status: 503, body: 'down' } : { status: 200, body: 'thanks' };
      if (name === 'slow') return { status: 200, delayMs: 1500 };
      if (name === 'gone') return goneRecovered ? { status: 200 } : { status: 410, body: 'gone' };
      if (name === 'throttled') return nth === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 204 };
      if (name === 'reset') return nth === 1 ? { resetMidResponse: true } : { status: 200 };
      if (name === 'broken') return { status: 500, body: 'boom' };
      if (name === 'tenSeconds') return { status: 200, delayMs: 10_000 };
      if (name === 'ordered/1') return nth === 1 ? { status: 503, body: 'not now' } : { status: 200 };
      return { status: 200 };
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
    smtp.close();
  });

  const outcomes = async (webhook: string, expected: number) =>
    waitFor(`${expected} attempts of ${webhook} in the history`, async () => {
      const items = await h.log(history, { webhookId: id(webhook) });
      return items.length >= expected ? items.reverse() : undefined;
    }, 30_000);

  it('delivers on attempt 3 after two failures, on the configured (shortened) schedule', async () => {
    await h.send([h.request(id('flaky'), `${receiver.url}/flaky`)]);
    const log = await outcomes('flaky', 3);
    expect(log.map((e) => [e.attempt, e.outcome, e.statusCode])).toEqual([[1, 'RETRY_SCHEDULED', 503], [2, 'RETRY_SCHEDULED', 503], [3, 'DELIVERED', 200]]);
    const times = receiver.on('/flaky').map((r) => r.receivedAt);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(700);
    expect(new Set(receiver.on('/flaky').map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('keeps a customer’s deliveries to a webhook in order when the first needs a retry', async () => {
    const customer = `c-ordered-${run.id}`;
    const requests = [1, 2, 3].map((n) => h.request(id('ordered'), `${receiver.url}/ordered/${n}`, customer));
    await h.send(requests);
    // The receiver answers 503 to the first request for /ordered/1 and 200 to everything else.
    const paths = () => receiver.requests.map((r) => r.path).filter((p) => p.startsWith('/ordered/'));
    await waitFor('the three ordered deliveries', () => paths().filter((p) => p === '/ordered/1').length >= 2 && paths().includes('/ordered/3'), 30_000);
    const arrivals = paths();
    const delivered = [arrivals.indexOf('/ordered/1', arrivals.indexOf('/ordered/1') + 1), arrivals.indexOf('/ordered/2'), arrivals.indexOf('/ordered/3')];
    // The first failed once; the second and third waited behind its retry instead of overtaking it.
    expect(arrivals[0]).toBe('/ordered/1');
    expect([...delivered].sort((a, b) => a - b)).toEqual(delivered);
  });

  it('times out, retries, and dead-letters with every attempt logged', async () => {
    await h.send([h.request(id('slow'), `${receiver.url}/slow`)]);
    const log = await outcomes('slow', 2);
    expect(log.map((e) => [e.attempt, e.outcome])).toEqual([[1, 'RETRY_SCHEDULED'], [2, 'DEAD']]);
    expect(String(log[0].error)).toMatch(/timeout|aborted/i);
  });

  it('dead-letters a request the HTTP client can never send (bad header value) at once, with the reason, without retrying', async () => {
    const request = h.request(id('unsendable'), `${receiver.url}/unsendable`);
    await h.send([{ ...request, headers: { ...request.headers, 'x-note': 'price in \u20ac' } }]);
    const log = await outcomes('unsendable', 1);
    expect(log.map((e) => [e.attempt, e.outcome])).toEqual([[1, 'DEAD']]);
    expect(String(log[0].error)).toMatch(/header "x-note" cannot be sent/);
    // Give a (wrong) retry time to show up: there is none, and nothing reached the receiver.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await h.log(history, { webhookId: id('unsendable') })).toHaveLength(1);
    expect(receiver.on('/unsendable')).toHaveLength(0);
  });

  it('treats 410 as gone: dead at once, endpoint disabled, later deliveries parked until re-enabled, alert mailed', async () => {
    await h.send([h.request(id('gone'), `${receiver.url}/gone`)]);
    expect((await outcomes('gone', 1)).map((e) => [e.outcome, e.statusCode])).toEqual([['DEAD', 410]]);
    await h.send([h.request(id('gone'), `${receiver.url}/gone`)]);
    expect((await outcomes('gone', 2))[1].outcome).toBe('PARKED');
    expect(receiver.on('/gone')).toHaveLength(1);
    const state = await (await fetch(`${dispatcher.url}/v1/endpoints/${id('gone')}`, { headers: authHeaders() })).json();
    expect(state).toMatchObject({ disabled: true, parked: 1 });
    await waitFor('the disabled alert over SMTP', () => mails.some((m) => m.subject.includes('disabled')), 15_000);
    expect(mails.find((m) => m.subject.includes('disabled'))!.to).toBe('ops@example.test');

    goneRecovered = true;
    const enabled = await (await fetch(`${dispatcher.url}/v1/endpoints/${id('gone')}/enable`, { method: 'POST', headers: authHeaders() })).json();
    expect(enabled).toEqual({ requeued: 1 });
    expect((await outcomes('gone', 3))[2].outcome).toBe('DELIVERED');
  });

  it('alerts once per endpoint per period when it starts failing (throttled across a reset)', async () => {
    await h.send([h.request(id('broken'), `${receiver.url}/broken`)]);
    await outcomes('broken', 3);
    await waitFor('the failing alert over SMTP', () => mails.some((m) => m.subject.includes(`${id('broken')} is failing`)), 15_000);
    // Re-enable resets the failure count; failing again inside the period sends nothing new.
    await fetch(`${dispatcher.url}/v1/endpoints/${id('broken')}/enable`, { method: 'POST', headers: authHeaders() });
    await h.send([h.request(id('broken'), `${receiver.url}/broken`)]);
    await outcomes('broken', 8);
    await new Promise((r) => setTimeout(r, 1000));
    expect(mails.filter((m) => m.subject.includes(id('broken')))).toHaveLength(1);
  });

  it('keeps a fast endpoint fast beside one that takes 10 s per request', async () => {
    const fastRound = async (before: number) => {
      const fast = Array.from({ length: 300 }, () => h.request(id('fast'), `${receiver.url}/fast`, 'shared-customer'));
      const started = Date.now();
      return { fast, started, done: async () => {
        await waitFor('every fast delivery', () => receiver.on('/fast').length >= before + 300, 20_000);
        const latencies = receiver.on('/fast').slice(before).map((r) => r.receivedAt - started).sort((a, b) => a - b);
        return { p99: latencies[Math.floor(latencies.length * 0.99) - 1], allMs: latencies.at(-1)! };
      } };
    };
    // Alone first: the baseline.
    const alone = await fastRound(0);
    await h.send(alone.fast);
    const baseline = await alone.done();
    // Then beside the slow endpoint, on the same partition (same customer).
    const slow = Array.from({ length: 30 }, () => h.request(id('tenSeconds'), `${receiver.url}/tenSeconds`, 'shared-customer'));
    await h.send(slow.slice(0, 10));
    const beside = await fastRound(300);
    await h.send([...slow.slice(10), ...beside.fast]);
    const measured = await beside.done();
    // Only non-blocking dispatch keeps these far under the 10 s the slow receiver takes.
    expect(measured.p99).toBeLessThan(Math.max(3 * baseline.p99, baseline.p99 + 1_000));
    expect(measured.allMs).toBeLessThan(Math.max(3 * baseline.allMs, baseline.allMs + 1_000));
    expect(receiver.on('/tenSeconds').length).toBeLessThanOrEqual(30);
  }, 60_000);

  it('waits at least Retry-After after a 429', async () => {
    await h.send([h.request(id('throttled'), `${receiver.url}/throttled`)]);
    const log = await outcomes('throttled', 2);
    expect(log.map((e) => [e.outcome, e.statusCode])).toEqual([['RETRY_SCHEDULED', 429], ['DELIVERED', 204]]);
    const times = receiver.on('/throttled').map((r) => r.receivedAt);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(1900);
  });

  it('retries a connection reset mid-response', async () => {
    await h.send([h.request(id('reset'), `${receiver.url}/reset`)]);
    const log = await outcomes('reset', 2);
    expect(log.map((e) => e.outcome)).toEqual(['RETRY_SCHEDULED', 'DELIVERED']);
    expect(log[0].statusCode).toBeNull();
    expect(String(log[0].error)).toMatch(/closed|reset|terminated|socket/i);
  });
});
