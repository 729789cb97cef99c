import { authHeaders, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';

interface Answer {
  status: number;
  etag: string | null;
  body: Record<string, unknown>;
}

/**
 * Control-plane writes are optimistic per object: every answer showing an object carries its
 * ETag, If-Match is honoured on PUT, DELETE and rotations (412 when stale), concurrent writers of
 * one object never both win, and a webhook a live or paused campaign uses cannot be deleted.
 */
describe('control plane: concurrency control on config writes', () => {
  const { id: run, env } = isolatedRun('e2e-etag', { LOG_LEVEL: 'warn' });
  let cp: ServiceProcess;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key?: string): Promise<Answer> => {
    const res = await fetch(`${cp.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : authHeaders()), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const webhook = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: id, url: 'https://receiver.example/hook', ...extra });
  const campaign = (id: string, webhookId: string, status: string) => ({ id, name: id, status, trigger: { type: 'event', eventType: 'purchase' }, webhookIds: [webhookId] });

  beforeAll(async () => {
    cp = await ServiceProcess.start('control-plane', env);
  }, 90_000);
  afterAll(() => cp?.stop());

  it.each([
    ['webhooks', () => webhook(`wh-etag-${run}`), () => ({ name: 'renamed', url: 'https://receiver.example/hook' })],
    ['segments', () => ({ id: `seg-etag-${run}`, name: 's', match: 'all', conditions: [{ field: 'vip', op: 'eq', value: true }] }), (b: Record<string, unknown>) => ({ name: 'renamed', match: 'all', conditions: b.conditions })],
  ])('%s: ETag on POST, GET and PUT; a stale If-Match is 412 on PUT and DELETE and changes nothing', async (kind, create, change) => {
    const created = await call('POST', `/v1/${kind}`, create());
    expect(created.status).toBe(201);
    expect(created.etag).toMatch(/^"1-[0-9a-z]+"$/);
    const id = String(created.body.id);
    const read = await call('GET', `/v1/${kind}/${id}`);
    expect(read.etag).toBe(created.etag);
    const updated = await call('PUT', `/v1/${kind}/${id}`, change(created.body), { 'if-match': created.etag! });
    expect(updated.status).toBe(200);
    expect(updated.etag).toMatch(/^"2-/);
    const stale = await call('PUT', `/v1/${kind}/${id}`, change(created.body), { 'if-match': created.etag! });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, etag: updated.etag, detail: expect.stringMatching(new RegExp(`does not match .*${id}`)) });
    expect((await call('DELETE', `/v1/${kind}/${id}`, undefined, { 'if-match': created.etag! })).status).toBe(412);
    expect((await call('GET', `/v1/${kind}/${id}`)).etag).toBe(updated.etag);
    expect((await call('DELETE', `/v1/${kind}/${id}`, undefined, { 'if-match': updated.etag! })).status).toBe(204);
  });

  it('campaigns: ETag on POST, GET and PUT; stale If-Match is 412', async () => {
    await call('POST', '/v1/webhooks', webhook(`wh-c-${run}`));
    const created = await call('POST', '/v1/campaigns', campaign(`cmp-etag-${run}`, `wh-c-${run}`, 'draft'));
    expect(created.status).toBe(201);
    expect(created.etag).toMatch(/^"1-/);
    expect((await call('GET', `/v1/campaigns/cmp-etag-${run}`)).etag).toBe(created.etag);
    const { id: _id, ...definition } = campaign(`cmp-etag-${run}`, `wh-c-${run}`, 'paused');
    expect((await call('PUT', `/v1/campaigns/cmp-etag-${run}`, definition, { 'if-match': created.etag! })).status).toBe(200);
    expect((await call('PUT', `/v1/campaigns/cmp-etag-${run}`, definition, { 'if-match': created.etag! })).status).toBe(412);
  });

  it('API keys: concurrent rotations with the same If-Match: exactly one wins, and the key it returns works', async () => {
    const created = await call('POST', '/v1/api-keys', { name: 'rotated', scopes: ['admin'] });
    expect(created.status).toBe(201);
    expect(created.etag).toMatch(/^"1-/);
    const id = String(created.body.id);
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('POST', `/v1/api-keys/${id}/rotate`, {}, { 'if-match': created.etag! })));
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.status).every((s) => s === 409 || s === 412)).toBe(true);
    expect(won[0].etag).toMatch(/^"2-/);
    expect((await call('GET', `/v1/api-keys/${id}`, undefined, {}, String(won[0].body.key))).status).toBe(200);
    expect((await call('GET', `/v1/api-keys/${id}`, undefined, {}, String(created.body.key))).status).toBe(401);
  });

  it('API keys: concurrent rotations without If-Match never both build on the same revision; the latest key works', async () => {
    const created = await call('POST', '/v1/api-keys', { name: 'rotated-blind', scopes: ['admin'] });
    const id = String(created.body.id);
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('POST', `/v1/api-keys/${id}/rotate`, {})));
    const won = answers.filter((a) => a.status === 200);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const revisions = won.map((a) => Number(a.body.revision));
    expect(new Set(revisions).size).toBe(revisions.length);
    const latest = won.reduce((a, b) => (Number(b.body.revision) > Number(a.body.revision) ? b : a));
    expect((await call('GET', `/v1/api-keys/${id}`, undefined, {}, String(latest.body.key))).status).toBe(200);
  });

  it('webhook secrets: concurrent rotations with the same If-Match: exactly one wins', async () => {
    const created = await call('POST', '/v1/webhooks', webhook(`wh-rot-${run}`, { signing: { type: 'standard-webhooks' } }));
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('POST', `/v1/webhooks/wh-rot-${run}/secrets/rotate`, { overlapSeconds: 0 }, { 'if-match': created.etag! })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const won = answers.find((a) => a.status === 200)!;
    expect(won.etag).toMatch(/^"2-/);
    expect((await call('GET', `/v1/webhooks/wh-rot-${run}`)).body.signing).toMatchObject({ activeSecrets: 1, secrets: [{ id: won.body.id }] });
  });

  it('refuses (409, naming them) to delete a webhook that live or paused campaigns use; allows it once they end', async () => {
    const hook = `wh-used-${run}`;
    await call('POST', '/v1/webhooks', webhook(hook));
    expect((await call('POST', '/v1/campaigns', campaign(`live-${run}`, hook, 'live'))).status).toBe(201);
    expect((await call('POST', '/v1/campaigns', campaign(`paused-${run}`, hook, 'paused'))).status).toBe(201);
    expect((await call('POST', '/v1/campaigns', campaign(`draft-${run}`, hook, 'draft'))).status).toBe(201);
    const refused = await call('DELETE', `/v1/webhooks/${hook}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, campaigns: [`live-${run}`, `paused-${run}`], detail: expect.stringMatching(new RegExp(`live-${run}, paused-${run}`)) });
    for (const c of [`live-${run}`, `paused-${run}`]) {
      const { id: _id, ...ended } = campaign(c, hook, 'ended');
      expect((await call('PUT', `/v1/campaigns/${c}`, ended)).status).toBe(200);
    }
    expect((await call('DELETE', `/v1/webhooks/${hook}`)).status).toBe(204);
  });

  it('refuses templated headers the HTTP client owns at save time, naming the header', async () => {
    const res = await call('POST', '/v1/webhooks', webhook(`wh-host-${run}`, { headers: { Host: 'internal.example', 'Transfer-Encoding': 'chunked' } }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([{ path: '$.headers.Host', message: expect.stringMatching(/Host is set by the HTTP client/) }, { path: '$.headers.Transfer-Encoding', message: expect.any(String) }]));
  });
});

describe('control plane: two replicas writing the same objects', () => {
  const { id: run, env } = isolatedRun('e2e-etag2', { LOG_LEVEL: 'warn' });
  let a: ServiceProcess;
  let b: ServiceProcess;
  const call = async (cp: ServiceProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key?: string): Promise<Answer> => {
    const res = await fetch(`${cp.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : authHeaders()), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  beforeAll(async () => {
    [a, b] = await ServiceProcess.startAll(['control-plane', 'control-plane'], env);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('builds each change on the one just made through the other replica (no spurious 412, no lost write)', async () => {
    const id = `wh-2r-${run}`;
    let answer = await call(a, 'POST', '/v1/webhooks', { id, name: 'n0', url: 'https://receiver.example/hook' });
    expect(answer.status).toBe(201);
    for (let n = 1; n <= 6; n++) {
      const replica = n % 2 === 1 ? b : a;
      answer = await call(replica, 'PUT', `/v1/webhooks/${id}`, { name: `n${n}`, url: 'https://receiver.example/hook' }, { 'if-match': answer.etag! });
      expect([n, answer.status, answer.etag?.split('-')[0]]).toEqual([n, 200, `"${n + 1}`]);
    }
  });

  it('lets no two concurrent rotations of one API key through both replicas succeed from the same revision; the newest key works on both', async () => {
    const created = await call(a, 'POST', '/v1/api-keys', { name: 'two-replicas', scopes: ['admin'] });
    const id = String(created.body.id);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => call(i % 2 === 0 ? a : b, 'POST', `/v1/api-keys/${id}/rotate`, {})));
    expect(answers.every((x) => x.status === 200 || x.status === 409)).toBe(true);
    const won = answers.filter((x) => x.status === 200);
    expect(won.length).toBeGreaterThan(0);
    const revisions = won.map((x) => Number(x.body.revision));
    expect(new Set(revisions).size).toBe(revisions.length);
    const newest = won.reduce((x, y) => (Number(y.body.revision) > Number(x.body.revision) ? y : x));
    for (const replica of [a, b]) {
      await waitFor('the newest key on this replica', async () => (await call(replica, 'GET', `/v1/api-keys/${id}`, undefined, {}, String(newest.body.key))).status === 200, 10_000);
    }
  });
});
