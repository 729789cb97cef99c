import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { authHeaders, freePort, HttpReceiver, isolatedRun, ServiceProcess, waitFor } from '@cuewire/testing';

const cli = join(import.meta.dirname, '..', '..', 'dist', 'apps', 'cuewire', 'src', 'cli.js');

/** A Redis of this spec's own (no persistence), so losing everything in it harms no one else. */
async function startOwnRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await waitFor('the spec’s redis-server', async () => (await probe.connect().then(() => probe.ping())) === 'PONG', 15_000, 200);
  probe.disconnect();
  return { url, process: child };
}

/**
 * Redis loses everything while the stack runs; `cuewire rebuild profiles` restores profiles and
 * segment membership from the compacted profile-state topic, and an audience campaign behaves
 * as before: the event that arrived during the outage waited and fires with the restored profile.
 */
describe('rebuilding profiles from Kafka after Redis lost them', () => {
  const services: ServiceProcess[] = [];
  let redisServer: ChildProcess;
  let redis: Redis;
  let receiver: HttpReceiver;
  let api: ServiceProcess;
  let env: Record<string, string>;
  let run: string;
  const customer = (name: string) => `${name}-${run}`;

  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, { method, headers: authHeaders({ 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const rebuild = async (...args: string[]) => {
    const child = spawn(process.execPath, [cli, 'rebuild', 'profiles', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, stdout, stderr };
  };
  /** Profiles and segment sets of this run's customers, as stored. */
  const stored = async () => {
    const ids = [customer('ada'), customer('bob')];
    return {
      profiles: await Promise.all(ids.map((id) => redis.get(`profile:{${id}}`))),
      segments: await Promise.all(ids.map(async (id) => (await redis.smembers(`segments:{${id}}`)).sort())),
      vips: await redis.zrange('segment-members:{vips}', 0, -1),
    };
  };
  const hooks = (id: string) => receiver.requests.filter((r) => r.path === `/vip-thanks/${id}`);

  beforeAll(async () => {
    const own = await startOwnRedis();
    redisServer = own.process;
    const isolated = isolatedRun('rebuild', { REDIS_URL: own.url, DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8' });
    ({ id: run, env } = isolated);
    redis = new Redis(own.url, { keyPrefix: env.REDIS_KEY_PREFIX });
    receiver = await HttpReceiver.start();
    api = await ServiceProcess.start('cuewire', { ...env, CUEWIRE_TARGETS: 'control-plane,ingest,campaign-evaluator,renderer,dispatcher' });
    services.push(api);
    const create = async (path: string, body: object) => expect((await send('POST', path, body)).status).toBe(201);
    await create('/v1/webhooks', { id: 'hook', name: 'Hook', url: `${receiver.url}/{{campaign.id}}/{{customer.id}}`, body: '{"name": {{json customer.firstName}}, "tier": {{json customer.tier}} }' });
    await create('/v1/segments', { id: 'vips', name: 'VIPs', conditions: [{ field: 'vip', op: 'eq', value: true }] });
    await create('/v1/campaigns', { id: 'vip-thanks', name: 'VIP thanks', status: 'live', audience: { segmentId: 'vips' }, trigger: { type: 'event', eventType: 'purchase' }, webhookIds: ['hook'] });
    services.push(await ServiceProcess.start('segmenter', env));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await receiver?.stop();
    redis?.disconnect();
    redisServer?.kill('SIGKILL');
  });

  it('restores profiles and membership, and the campaign fires for the member only', async () => {
    const patches = [
      [customer('ada'), { vip: true, firstName: 'Ada', scratch: 1 }],
      [customer('ada'), { tier: 'gold', scratch: null }],
      [customer('bob'), { vip: false, firstName: 'Bob' }],
    ] as const;
    for (const [id, attributes] of patches) expect((await send('PATCH', `/v1/customers/${id}`, { attributes })).status).toBe(202);
    await waitFor('the merged profiles', async () => {
      const [ada, bob] = (await stored()).profiles;
      return ada?.includes('gold') && !ada.includes('scratch') && bob !== null;
    }, 60_000);
    const before = await stored();
    expect(before.segments).toEqual([['vips'], []]);
    expect(before.vips).toEqual([customer('ada')]);

    // Everything in Redis is gone (a restart without persistence); a purchase arrives meanwhile.
    expect(await redis.flushall()).toBe('OK');
    expect((await send('POST', '/v1/events', { customerId: customer('ada'), type: 'purchase', properties: {} })).status).toBe(202);
    await sleep(3_000);
    expect(hooks(customer('ada'))).toEqual([]);

    const first = await rebuild('--progress-interval', '0');
    expect(first.stderr).toMatch(/100\.0% +3 records +[\d,]+ records\/s/);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rebuilt: true, complete: true, records: patches.length, profiles: 2, invalid: 0, undecodable: 0, segments: 1 });
    expect(await stored()).toEqual(before);
    expect(await send('GET', '/v1/segments/vips/size')).toMatchObject({ status: 200, body: { members: 1 } });

    // The purchase that waited is enriched with the restored profile and reaches the member only.
    await send('POST', '/v1/events', { customerId: customer('bob'), type: 'purchase', properties: {} });
    const [hook] = await waitFor('the VIP thanks for Ada', () => hooks(customer('ada')).length > 0 && hooks(customer('ada')), 120_000);
    expect(JSON.parse(hook.body)).toEqual({ name: 'Ada', tier: 'gold' });
    await sleep(2_000);
    expect(hooks(customer('bob'))).toEqual([]);
  });

  it('refuses to rebuild a Redis that still holds the profiles, and rebuilds it unchanged with --force', async () => {
    const before = await stored();
    const refused = await rebuild();
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/nothing to rebuild/);
    const forced = await rebuild('--force', '--batch', '1');
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ complete: true, records: 3 });
    expect(await stored()).toEqual(before);
  });

  it('places restored profiles in a segment created afterwards (re-evaluation scans them)', async () => {
    expect((await send('POST', '/v1/segments', { id: 'gold', name: 'Gold', conditions: [{ field: 'tier', op: 'eq', value: 'gold' }] })).status).toBe(201);
    await waitFor('the gold segment to fill', async () => (await send('GET', '/v1/segments/gold/size')).body.members === 1, 60_000);
    expect((await redis.smembers(`segments:{${customer('ada')}}`)).sort()).toEqual(['gold', 'vips']);
  });
});
