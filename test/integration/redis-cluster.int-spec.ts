import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { profileLimitsEnvSchema } from '@cuewire/contracts';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { clusterHealthy, clusterNodes, startRedisCluster, type StartedRedisCluster } from '../../tools/infra/redis-cluster.mjs';
import { CustomerContextRepository } from '../../apps/campaign-evaluator/src/customers/customer-context.repository.js';
import { CustomerHistoryRepository } from '../../apps/campaign-evaluator/src/history/customer-history.repository.js';
import { ScheduleProgressRepository } from '../../apps/campaign-evaluator/src/schedules/schedule-progress.repository.js';
import { SequenceStateRepository, type SequenceRecord } from '../../apps/campaign-evaluator/src/sequences/sequence-state.repository.js';
import { DueTimersRepository } from '../../apps/campaign-evaluator/src/timers/due-timers.repository.js';
import { DeliveryMarksRepository } from '../../apps/dispatcher/src/deliveries/delivery-marks.repository.js';
import type { DispatcherEnv } from '../../apps/dispatcher/src/dispatcher.env.js';
import { EndpointAdmissionRepository } from '../../apps/dispatcher/src/endpoints/endpoint-admission.repository.js';
import { EndpointHealthRepository } from '../../apps/dispatcher/src/endpoints/endpoint-health.repository.js';
import { EventDedupeRepository } from '../../apps/ingest/src/dedupe/event-dedupe.repository.js';
import type { IngestEnv } from '../../apps/ingest/src/ingest.env.js';
import { ProfileRepository } from '../../apps/segmenter/src/profiles/profile.repository.js';
import { SegmentMembershipRepository } from '../../apps/segmenter/src/segments/segment-membership.repository.js';

/** Its own ports (bus ports +100), below the ephemeral range and apart from every other profile's. */
const FIRST_PORT = 25379;

/**
 * The repositories' scripts, transactions and multi-key reads on a real Redis Cluster (three
 * masters, one replica each), where a command crossing slots fails with CROSSSLOT; then a
 * master killed -9, its replica taking over, and the services' client carrying on after retries.
 */
describe('Redis Cluster (three masters with a replica each)', () => {
  const prefix = `it-rc-${randomUUID().slice(0, 8)}:`;
  let cluster: StartedRedisCluster;
  let redis: RedisConnection;
  const customers = Array.from({ length: 60 }, (_, i) => `cust-${i}`);

  beforeAll(async () => {
    cluster = await startRedisCluster({ firstPort: FIRST_PORT, dir: path.join(os.tmpdir(), `cuewire-it-redis-cluster-${FIRST_PORT}`), nodeTimeoutMs: 2_000 });
    const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
    redis = new RedisConnection({ REDIS_URL: 'redis://unused', REDIS_CLUSTER_NODES: nodes, REDIS_KEY_PREFIX: prefix } as BaseEnv, new ReadinessRegistry());
    await redis.onModuleInit();
  }, 60_000);
  afterAll(async () => {
    await redis?.onApplicationShutdown();
    await cluster?.stop();
  });

  it('connects as a Cluster client', () => {
    expect(redis.isCluster).toBe(true);
  });

  it('segmenter: merges profiles, pages through them on every master, keeps membership both ways', async () => {
    const profiles = new ProfileRepository(redis, profileLimitsEnvSchema.parse({}));
    await Promise.all(customers.map((c, i) => profiles.merge(c, { n: i, vip: i % 2 === 0 })));
    const ranges = await slotRanges(cluster.ports[0]);
    const masters = new Set(customers.map((c) => ownerOf(ranges, calculateSlot(prefix + RedisKeys.profile(c))).port));
    expect(masters.size).toBe(3); // the customers really are spread over the three masters
    const seen = new Map<string, string>();
    for await (const page of profiles.pages(7)) for (const [id, json] of page) seen.set(id, json);
    expect([...seen.keys()].sort()).toEqual([...customers].sort());
    expect(JSON.parse(seen.get('cust-7')!)).toEqual({ n: 7, vip: false });

    const membership = new SegmentMembershipRepository(redis);
    await membership.set('cust-1', ['seg-a', 'seg-b'], new Set(['seg-a', 'seg-b']));
    await membership.set('cust-1', ['seg-b'], new Set(['seg-a', 'seg-b']));
    expect(await membership.of('cust-1')).toEqual(['seg-b']);
    await membership.setMany(new Map(customers.slice(0, 20).map((c) => [c, ['seg-c']])), new Set(['seg-b', 'seg-c']));
    expect(await membership.of('cust-1')).toEqual(['seg-c']);
    const progress = new ScheduleProgressRepository(redis);
    expect(await progress.members('seg-c', undefined, 100)).toEqual(customers.slice(0, 20).sort());
    expect(await progress.members('seg-b', undefined, 100)).toEqual([]);
    await profiles.restore(new Map([['cust-2', '{"restored":true}'], ['cust-3', null]]));
    expect(await profiles.snapshot('cust-2')).toBe('{"restored":true}');
    expect(await profiles.snapshot('cust-3')).toBe('{}');
  });

  it('evaluator: sequence state, history, timers, schedule progress and customer context', async () => {
    const sequences = new SequenceStateRepository(redis);
    const record = { campaignVersion: 1, trigger: {}, state: { seen: ['a'] }, events: {} } as unknown as SequenceRecord;
    expect(await sequences.update('cust-4', 'camp-1', () => ({ next: record, result: 'stored' }))).toBe('stored');
    expect(await sequences.read('cust-4', 'camp-1')).toEqual(record);

    const history = new CustomerHistoryRepository(redis);
    await history.recordFired('cust-4', 'camp-1', 'trg-1', Date.now());
    await history.recordClick('cust-4', 'camp-1', 'evt-1', Date.now());
    const loaded = await history.load('cust-4', { campaignId: 'camp-1', triggerId: 'trg-1' });
    expect(loaded.alreadyAdmitted).toBe(true);
    expect(loaded.history.clicked.get('camp-1')).toHaveLength(1);

    const timers = new DueTimersRepository(redis);
    const now = Date.now();
    await timers.schedule([{ timerId: 't1', dueAt: now - 10 }, { timerId: 't2', dueAt: now + 60_000 }]);
    expect(await timers.claimDue(now, 10, 30_000)).toEqual(['t1']);
    await timers.complete('t1');
    expect(await timers.claimDue(now + 120_000, 10, 30_000)).toEqual(['t2']);

    const schedules = new ScheduleProgressRepository(redis);
    expect(await schedules.takeLease('camp-s', 'replica-1', 10_000)).toBe(true);
    expect(await schedules.takeLease('camp-s', 'replica-2', 10_000)).toBe(false);
    await schedules.start('camp-s', 1000);
    await schedules.finish('camp-s', 1000);
    expect(await schedules.get('camp-s')).toEqual({ lastDone: 1000, slot: undefined, after: undefined });

    const context = await new CustomerContextRepository(redis).load(['cust-1', 'cust-8', 'nobody']);
    expect(context.map((c) => c.context.profile)).toEqual([{ n: 1, vip: false }, { n: 8, vip: true }, {}]);
    expect(context[0].context.segments).toEqual(['seg-c']);
  });

  it('dispatcher: admission, delivered marks and endpoint health', async () => {
    const admission = new EndpointAdmissionRepository(redis);
    admission.onModuleInit();
    const limits = { concurrency: 2, leaseMs: 10_000, probeLeaseMs: 500, deliveredTtlSeconds: 60 };
    const first = await admission.admit('wh-1', 'dlv-1', limits);
    if (first.kind !== 'granted') throw new Error(`expected granted, got ${first.kind}`);
    await first.release(true);
    expect((await admission.admit('wh-1', 'dlv-1', limits)).kind).toBe('duplicate');
    expect(await new DeliveryMarksRepository(redis).wasDelivered('wh-1', 'dlv-1')).toBe(true);

    const config = { DISPATCH_BREAKER_FAILURES: 2, DISPATCH_BREAKER_COOLDOWN_MS: 60_000, DISPATCH_DISABLE_AFTER_MS: 3_600_000 } as DispatcherEnv;
    const health = new EndpointHealthRepository(redis, config);
    expect(await health.recordFailure('wh-2', null)).toBeNull();
    expect(await health.recordFailure('wh-2', null)).toBe('failing');
    expect((await admission.admit('wh-2', 'dlv-2', limits)).kind).toBe('granted'); // the one probe
    expect((await admission.admit('wh-2', 'dlv-3', limits)).kind).toBe('paused');
    expect(await health.enable('wh-2', async () => undefined)).toBe(0);
    expect((await health.state('wh-2')).openUntil).toBe(0);
  });

  it('ingest: dedupe marks of many customers at once', async () => {
    const dedupe = new EventDedupeRepository(redis, { INGEST_DEDUPE_WINDOW_SECONDS: 60 } as IngestEnv);
    const refs = customers.map((customerId) => ({ customerId, eventId: 'e-1' }));
    await dedupe.mark(refs.slice(0, 30));
    expect((await dedupe.seen(refs)).filter(Boolean)).toHaveLength(30);
  });

  it('holds replicated() until a replica has every write made before it (what a consume loop waits for before committing)', async () => {
    const profiles = new ProfileRepository(redis, profileLimitsEnvSchema.parse({}));
    const customer = 'cust-durable';
    const owner = ownerOf(await slotRanges(cluster.ports[0]), calculateSlot(prefix + RedisKeys.profile(customer)));
    const replica = (await clusterNodes(cluster.ports[0])).find((n) => n.masterId === owner.id)!;
    await redis.replicated(); // the master's replica count is known
    // A replica that acknowledges nothing (frozen for less than the 2 s node timeout: no failover).
    cluster.freeze(replica.port);
    try {
      await profiles.merge(customer, { durable: true });
      await expect(redis.replicated()).rejects.toThrow(/no replica of the Redis master .* acknowledged/);
    } finally {
      cluster.thaw(replica.port);
    }
    await redis.replicated();
    expect(JSON.parse((await readOnReplica(replica.port, prefix + RedisKeys.profile(customer)))!)).toEqual({ durable: true });
  }, 30_000);

  it('starts a client while the cluster is down (a master and its replica frozen) and is ready once it is back', async () => {
    const victim = (await clusterNodes(cluster.ports[0])).find((n) => n.master && n.port !== cluster.ports[0])!;
    const itsReplica = (await clusterNodes(cluster.ports[0])).find((n) => n.masterId === victim.id)!;
    cluster.freeze(victim.port);
    cluster.freeze(itsReplica.port);
    const late = new RedisConnection({ REDIS_URL: 'redis://unused', REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`), REDIS_KEY_PREFIX: prefix } as BaseEnv, new ReadinessRegistry());
    try {
      // Past the 2 s node timeout the others mark both failed: cluster_state:fail, which the new client's ready check sees.
      await waitUntil(async () => (await clusterInfo(cluster.ports[0])).includes('cluster_state:fail'), 15_000);
      const starting = late.onModuleInit();
      await sleep(3_000);
      cluster.thaw(victim.port);
      cluster.thaw(itsReplica.port);
      await Promise.race([starting, sleep(20_000).then(() => Promise.reject(new Error('the client never became ready')))]);
      expect(await late.client.ping()).toBe('PONG');
    } finally {
      cluster.thaw(victim.port);
      cluster.thaw(itsReplica.port);
      await late.onApplicationShutdown();
    }
    // Every node agreeing and every replica linked again, and the suite's client answering, before the next test.
    await waitUntil(() => clusterHealthy(cluster.ports), 30_000);
    await waitUntil(async () => redis.client.ping().then(() => true, () => false), 15_000);
  }, 60_000);

  it('survives a master killed -9: its replica takes over and the client carries on after retries', async () => {
    const profiles = new ProfileRepository(redis, profileLimitsEnvSchema.parse({}));
    const customer = 'cust-failover';
    await profiles.merge(customer, { before: true });
    const slot = calculateSlot(prefix + RedisKeys.profile(customer));
    const owner = ownerOf(await slotRanges(cluster.ports[0]), slot);
    const replica = (await clusterNodes(cluster.ports[0])).find((n) => n.masterId === owner.id)!;
    // Replication is asynchronous: kill only once the replica has the write.
    await waitUntil(async () => (await readOnReplica(replica.port, prefix + RedisKeys.profile(customer))) !== null);
    await redis.replicated(); // the masters of now (an earlier test's failover counted already)
    const lossesBefore = redis.losses;
    cluster.kill(owner.port);

    const started = Date.now();
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        // What a consume loop does with a transient failure: back off and try again.
        await profiles.merge(customer, { after: true });
        break;
      } catch (error) {
        if (Date.now() - started > 30_000) throw error;
        await sleep(250);
      }
    }
    expect(JSON.parse(await profiles.snapshot(customer))).toEqual({ before: true, after: true });
    const promoted = (await clusterNodes(replica.port)).find((n) => n.id === replica.id)!;
    expect(promoted.master).toBe(true);
    // Every other customer's profile is still there (read through the new topology).
    const values = await redis.getMany(customers.slice(10).map((c) => RedisKeys.profile(c)));
    expect(values.every((v) => v !== null)).toBe(true);
    console.info(`failover: the write went through after ${Date.now() - started} ms and ${attempts} attempt(s)`);
    // The promoted master has no replica (its old master is dead): nothing to wait for, no hold.
    await waitUntil(async () => redis.replicated().then(() => true, () => false), 15_000);
    const waited = Date.now();
    await redis.replicated();
    expect(Date.now() - waited).toBeLessThan(400);
    // But what the dead master acknowledged last may not have reached the promoted one, and no
    // later round can tell: the connection's end counts as a possible loss, so consume loops
    // handle their uncommitted records again instead of committing them. (More than once is
    // allowed: it is conservative, and costs a replay.) Once the failover is over, no more.
    expect(redis.losses).toBeGreaterThan(lossesBefore);
    const settled = redis.losses;
    await redis.replicated();
    await sleep(500);
    await redis.replicated();
    expect(redis.losses).toBe(settled);
  }, 60_000);
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

async function readOnReplica(port: number, key: string): Promise<string | null> {
  const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  try {
    await node.connect();
    await node.call('READONLY');
    return await node.get(key);
  } finally {
    node.disconnect();
  }
}

async function clusterInfo(port: number): Promise<string> {
  const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  try {
    await node.connect();
    return (await node.call('CLUSTER', 'INFO')) as string;
  } finally {
    node.disconnect();
  }
}

type SlotRange = [number, number, [string, number, string]];

/** CLUSTER SLOTS as one node sees it: [first slot, last slot, [host, port, id] of the master]. */
async function slotRanges(port: number): Promise<SlotRange[]> {
  const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  try {
    await node.connect();
    return (await node.call('CLUSTER', 'SLOTS')) as SlotRange[];
  } finally {
    node.disconnect();
  }
}

function ownerOf(ranges: SlotRange[], slot: number): { id: string; port: number } {
  const range = ranges.find(([from, to]) => slot >= from && slot <= to)!;
  return { port: range[2][1], id: range[2][2] };
}
