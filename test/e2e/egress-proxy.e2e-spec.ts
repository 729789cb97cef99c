import { authHeaders, HttpReceiver, isolatedDatabase, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';
import { dispatcherHarness } from './dispatcher-harness.js';
import { ForwardProxy } from './forward-proxy.js';

/**
 * A fixed egress (issue #16): with DISPATCH_EGRESS_PROXY set, every webhook request and every
 * send test leaves through a real forward proxy (Debian's tinyproxy, whose own log is the
 * evidence), hosts on the bypass list go direct, and the private-network guard still refuses a
 * private destination before anything reaches the proxy.
 */
describe('egress proxy', () => {
  let proxy: ForwardProxy;
  let receiver: HttpReceiver;
  let controlPlane: ServiceProcess;
  let dispatcher: ServiceProcess;
  let history: ServiceProcess;
  const database = isolatedDatabase('e2e_egress');
  const run = isolatedRun('e2e-egress', {});
  const h = dispatcherHarness(run.env);
  const id = (name: string) => `${name}-${run.id}`;
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${controlPlane.url}${path}`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body ?? {}) });
    return { status: res.status, json: (await res.json()) as { ok?: boolean; error?: string; response?: unknown } };
  };
  /** The proxy's log lines for requests to exactly this path of the receiver (absolute-form: `POST <url> HTTP/1.1`). */
  const proxied = (path: string) => proxy.requests().filter((line) => line.includes(`${receiver.url}${path} `));

  beforeAll(async () => {
    [proxy, receiver] = await Promise.all([ForwardProxy.start(), HttpReceiver.start()]);
    const env = {
      ...run.env,
      DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
      DISPATCH_EGRESS_PROXY: proxy.url,
      // `localhost` names the same receiver; requests to it skip the proxy.
      DISPATCH_EGRESS_PROXY_BYPASS: 'localhost',
    };
    controlPlane = await ServiceProcess.start('control-plane', env);
    await h.createWebhook(controlPlane, { id: id('crm'), url: `${receiver.url}/crm/{{customer.id}}` });
    await h.createWebhook(controlPlane, { id: id('metadata'), url: 'http://169.254.169.254/latest/meta-data/{{customer.id}}' });
    [dispatcher, history] = await ServiceProcess.startAll(['dispatcher', 'history'], { ...env, DATABASE_URL: database.url });
  }, 120_000);

  afterAll(async () => {
    await history?.stop();
    await database.drop();
    await dispatcher?.stop();
    await controlPlane?.stop();
    await h.producer.close();
    await receiver?.stop();
    await proxy?.stop();
  });

  it('sends the test request through the proxy and shows the receiver’s answer', async () => {
    const res = await call(`/v1/webhooks/${id('crm')}/test`, { context: { customer: { id: 'c-test' } } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, response: { status: 200 } });
    const got = receiver.requests.filter((r) => r.path === '/crm/c-test');
    expect(got).toHaveLength(1);
    expect(String(got[0].headers.via)).toContain('tinyproxy');
    expect(proxied('/crm/c-test')).toEqual([`POST ${receiver.url}/crm/c-test HTTP/1.1`]);
  });

  it('delivers every webhook request through the proxy', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => h.request(id('crm'), `${receiver.url}/crm/d-${i}`));
    await h.send(requests);
    await waitFor('20 deliveries at the receiver', () => receiver.requests.filter((r) => r.path.startsWith('/crm/d-')).length >= 20, 60_000);
    const got = receiver.requests.filter((r) => r.path.startsWith('/crm/d-'));
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set(requests.map((r) => r.deliveryId)));
    for (const r of got) expect(String(r.headers.via)).toContain('tinyproxy');
    for (let i = 0; i < 20; i++) expect(proxied(`/crm/d-${i}`)).toHaveLength(got.filter((r) => r.path === `/crm/d-${i}`).length);
  });

  it('sends to a bypassed host directly', async () => {
    const direct = receiver.url.replace('127.0.0.1', 'localhost');
    await h.send([h.request(id('crm'), `${direct}/crm/direct`)]);
    await waitFor('the direct delivery', () => receiver.requests.some((r) => r.path === '/crm/direct'), 60_000);
    expect(receiver.requests.find((r) => r.path === '/crm/direct')!.headers.via).toBeUndefined();
    expect(proxy.requests().filter((line) => line.includes('/crm/direct'))).toEqual([]);
  });

  it('still refuses a private destination, before the proxy sees it (send test and delivery)', async () => {
    const test = await call(`/v1/webhooks/${id('metadata')}/test`, { context: { customer: { id: 'c-meta' } } });
    expect(test.status).toBe(200);
    expect(test.json).toMatchObject({ ok: false, response: null });
    expect(test.json.error).toContain('private address 169.254.169.254');

    const request = h.request(id('metadata'), 'http://169.254.169.254/latest/meta-data/c-meta');
    await h.send([request]);
    const attempts = await waitFor('the refused attempt in the delivery history', async () => {
      const items = await h.log(history, { webhookId: id('metadata') });
      return items.length > 0 ? items : undefined;
    }, 60_000);
    expect(String(attempts[0].error)).toContain('private address 169.254.169.254');
    expect(proxy.requests().filter((line) => line.includes('169.254.169.254'))).toEqual([]);
  });
});
