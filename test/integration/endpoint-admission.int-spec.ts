import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { CustomerOrder } from '../../apps/dispatcher/src/deliveries/customer-order.js';
import { EndpointAdmissionRepository, type Admission } from '../../apps/dispatcher/src/endpoints/endpoint-admission.repository.js';

/** The dispatcher's admission script (customer order, health, probe, concurrency lease, GCRA rate) against the real server. */
describe('endpoint admission (real Redis)', () => {
  const prefix = `it-adm-${randomUUID().slice(0, 8)}:`;
  const redis = new RedisConnection({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix } as BaseEnv, new ReadinessRegistry());
  const admission = new EndpointAdmissionRepository(redis);
  const order = new CustomerOrder(redis, { DISPATCH_ORDER_GRACE_MS: 60_000 });
  const limits = { concurrency: 3, leaseMs: 10_000, probeLeaseMs: 500, deliveredTtlSeconds: 60 };
  let n = 0;
  /** A fresh delivery id per call, as in the dispatcher. */
  const admit = (webhookId: string, l: typeof limits & { rate?: { perSecond: number; burst?: number } }) => admission.admit(webhookId, `msg_${++n}`, l);
  const granted = (a: Admission) => {
    if (a.kind !== 'granted') throw new Error(`expected granted, got ${JSON.stringify(a)}`);
    return a;
  };

  beforeAll(async () => {
    await redis.onModuleInit();
    admission.onModuleInit();
    order.onModuleInit();
  });
  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length > 0) await redis.client.del(...keys.map((k) => k.slice(prefix.length)));
    await redis.onApplicationShutdown();
  });

  it('caps concurrent leases across callers, and a released lease frees its slot', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => admit('wh-cap', limits)));
    expect(answers.filter((a) => a.kind === 'granted')).toHaveLength(3);
    expect(answers.filter((a) => a.kind === 'busy')).toHaveLength(2);
    await granted(answers.find((a) => a.kind === 'granted')!).release(true);
    expect((await admit('wh-cap', limits)).kind).toBe('granted');
    expect((await admit('wh-cap', limits)).kind).toBe('busy');
  });

  it('drops the leases of a holder that died (expired) before counting', async () => {
    const short = { ...limits, concurrency: 1, leaseMs: 100 };
    granted(await admit('wh-crash', short)); // never released
    expect((await admit('wh-crash', short)).kind).toBe('busy');
    await sleep(150);
    expect((await admit('wh-crash', short)).kind).toBe('granted');
  });

  it('rate-limits with GCRA: the burst at once, then one per interval, with the wait it needs', async () => {
    // 2/s (one per 500 ms): wide enough that a busy machine pausing between two calls does not blur it.
    const rated = { ...limits, concurrency: 100, rate: { perSecond: 2, burst: 3 } };
    const burst = [];
    for (let i = 0; i < 4; i++) burst.push(await admit('wh-rate', rated));
    expect(burst.map((a) => a.kind)).toEqual(['granted', 'granted', 'granted', 'busy']);
    const wait = burst[3] as { retryInMs: number };
    expect(wait.retryInMs).toBeGreaterThan(0);
    expect(wait.retryInMs).toBeLessThanOrEqual(500);
    await sleep(wait.retryInMs + 5);
    expect((await admit('wh-rate', rated)).kind).toBe('granted');
    expect((await admit('wh-rate', rated)).kind).toBe('busy');
  });

  it('sustains the rate, not a fresh burst each time', async () => {
    const rated = { ...limits, concurrency: 100, rate: { perSecond: 10, burst: 1 } };
    let sent = 0;
    let asked = 0;
    const started = Date.now();
    while (Date.now() - started < 600) {
      asked++;
      if ((await admit('wh-sustained', rated)).kind === 'granted') sent++;
      await sleep(10);
    }
    const elapsed = Date.now() - started;
    // At 10/s: at most one per 100 ms elapsed (plus the first), and no fewer than the
    // intervals that passed, unless the loop itself asked fewer times than that.
    expect(sent).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 1);
    expect(sent).toBeGreaterThanOrEqual(Math.min(asked, Math.floor(elapsed / 100) - 1));
  });

  it('answers disabled (with the reason) before anything else', async () => {
    await redis.client.hset(RedisKeys.endpointHealth('wh-off'), 'disabled', '1', 'reason', 'answered 410 Gone');
    expect(await admit('wh-off', limits)).toEqual({ kind: 'disabled', reason: 'answered 410 Gone', queued: false, waitingSince: 0 });
  });

  it('while the circuit is open lets exactly one probe through per probe lease', async () => {
    await redis.client.hset(RedisKeys.endpointHealth('wh-open'), 'consecutive', '10', 'firstFailureAt', String(Date.now() - 1_000), 'openUntil', String(Date.now() + 5_000));
    const answers = await Promise.all(Array.from({ length: 4 }, () => admit('wh-open', limits)));
    expect(answers.filter((a) => a.kind === 'granted')).toHaveLength(1);
    const paused = answers.filter((a) => a.kind === 'paused') as { retryInMs: number }[];
    expect(paused).toHaveLength(3);
    expect(paused[0].retryInMs).toBeGreaterThan(4_000);
    // The probe succeeds: the streak ends, so the circuit is closed for everyone.
    await granted(answers.find((a) => a.kind === 'granted')!).release(true);
    expect(await redis.client.hgetall(RedisKeys.endpointHealth('wh-open'))).toEqual({});
    expect((await admit('wh-open', limits)).kind).toBe('granted');
  });

  it('counts only live leases, and sweeps a dead holder\'s expired ones out of the set within 100 admissions', async () => {
    await redis.client.zadd(RedisKeys.endpointInFlight('wh-sweep'), Date.now() - 1_000, 'dead-1', Date.now() - 2_000, 'dead-2');
    for (let i = 0; i < 100; i++) await granted(await admit('wh-sweep', limits)).release(true);
    expect(await redis.client.zrange(RedisKeys.endpointInFlight('wh-sweep'), 0, -1)).toEqual([]);
  });

  it('a success ends the failure streak the admission saw, and touches no health on a healthy endpoint', async () => {
    await redis.client.hset(RedisKeys.endpointHealth('wh-streak'), 'consecutive', '2', 'firstFailureAt', String(Date.now()));
    await granted(await admit('wh-streak', limits)).release(true);
    expect(await redis.client.hgetall(RedisKeys.endpointHealth('wh-streak'))).toEqual({});
    const healthy = granted(await admit('wh-streak', limits));
    // A failure counted by another replica while this attempt was out: the two were concurrent, it stays.
    await redis.client.hset(RedisKeys.endpointHealth('wh-streak'), 'consecutive', '1', 'firstFailureAt', String(Date.now()));
    await healthy.release(true);
    expect(await redis.client.hget(RedisKeys.endpointHealth('wh-streak'), 'consecutive')).toBe('1');
  });

  it('a failed attempt releases its lease without ending the streak', async () => {
    await redis.client.hset(RedisKeys.endpointHealth('wh-fail'), 'consecutive', '2', 'firstFailureAt', String(Date.now()));
    await granted(await admit('wh-fail', limits)).release(false);
    expect(await redis.client.hget(RedisKeys.endpointHealth('wh-fail'), 'consecutive')).toBe('2');
    expect(await redis.client.zcard(RedisKeys.endpointInFlight('wh-fail'))).toBe(0);
  });

  it('marks a delivery acknowledged when its lease is released after a success, and answers duplicate for it from then on', async () => {
    const first = granted(await admission.admit('wh-dup', 'msg_once', limits));
    await first.release(true);
    expect(await admission.admit('wh-dup', 'msg_once', limits)).toEqual({ kind: 'duplicate', queued: false, waitingSince: 0 });
    const ttl = await redis.client.ttl(RedisKeys.deliveredMark('wh-dup', 'msg_once'));
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
    // A failed attempt marks nothing: the next attempt is admitted.
    await granted(await admission.admit('wh-dup', 'msg_failed', limits)).release(false);
    expect((await admission.admit('wh-dup', 'msg_failed', limits)).kind).toBe('granted');
  });

  it('checks the customer\'s order in the same script: behind an earlier deferred delivery it answers ordered, and says when the pair has a queue', async () => {
    const by = (customerId: string) => ({ customerId, graceMs: order.graceMs });
    const deferredAt = Date.now();
    const moment = deferredAt + 5_000;
    await order.deferred('wh-order', 'c1', 'msg_first', moment, deferredAt);
    // The customer's next delivery goes behind the deferred one, without a lease.
    expect(await admission.admit('wh-order', 'msg_next', limits, by('c1'))).toEqual({ kind: 'ordered', until: moment, queued: true, waitingSince: 0 });
    expect(await redis.client.zcard(RedisKeys.endpointInFlight('wh-order'))).toBe(0);
    // The deferred one, back from its tier, heads the queue: admitted, and told to report its outcome.
    const head = granted(await admission.admit('wh-order', 'msg_first', limits, by('c1')));
    expect(head).toMatchObject({ queued: true, waitingSince: deferredAt });
    // Another customer of the same webhook has no queue; an unordered admission does not look at it.
    expect(granted(await admission.admit('wh-order', 'msg_other', limits, by('c2'))).queued).toBe(false);
    expect(granted(await admission.admit('wh-order', 'msg_unordered', limits)).queued).toBe(false);
    // Once the head has its outcome, the next one of the customer goes through.
    await head.release(true);
    await order.settled('wh-order', 'c1', 'msg_first');
    expect(granted(await admission.admit('wh-order', 'msg_next', limits, by('c1'))).queued).toBe(false);
    // A duplicate in the queue is told so too (its outcome settles the queue).
    await order.deferred('wh-order', 'c3', 'msg_first', moment, deferredAt);
    expect(await admission.admit('wh-order', 'msg_first', limits, by('c3'))).toEqual({ kind: 'duplicate', queued: true, waitingSince: deferredAt });
  });

  it('answers the admissions of one turn with one script call per webhook, each as it would answer them one by one', async () => {
    await granted(await admission.admit('wh-turn', 'msg_turn_sent', limits)).release(true);
    const calls = jest.spyOn(redis.client as unknown as { cuewireAdmit: () => Promise<unknown> }, 'cuewireAdmit');
    const rated = { ...limits, concurrency: 100, rate: { perSecond: 2, burst: 2 } };
    const answers = await Promise.all([
      admission.admit('wh-turn', 'msg_turn_sent', limits),
      admission.admit('wh-turn', 'msg_turn_1', limits),
      admission.admit('wh-turn-rated', 'msg_rated_1', rated),
      admission.admit('wh-turn', 'msg_turn_2', limits),
      admission.admit('wh-turn-rated', 'msg_rated_2', rated),
      admission.admit('wh-turn', 'msg_turn_3', limits),
      admission.admit('wh-turn-rated', 'msg_rated_3', rated),
      admission.admit('wh-turn', 'msg_turn_4', limits),
    ]);
    expect(calls).toHaveBeenCalledTimes(2);
    calls.mockRestore();
    // The acknowledged one is a duplicate; the cap (3) and the rate's burst (2) count the grants before them in the same call.
    expect(answers.map((a) => a.kind)).toEqual(['duplicate', 'granted', 'granted', 'granted', 'granted', 'granted', 'busy', 'busy']);
    expect(await redis.client.zcard(RedisKeys.endpointInFlight('wh-turn'))).toBe(3);

    // Their releases, in one turn too: every lease back, and only the succeeded ones marked.
    const releases = jest.spyOn(redis.client as unknown as { cuewireRelease: () => Promise<unknown> }, 'cuewireRelease');
    const leases = answers.filter((a) => a.kind === 'granted');
    await Promise.all(leases.map((a, i) => a.release(i % 2 === 0)));
    expect(releases).toHaveBeenCalledTimes(2);
    releases.mockRestore();
    expect(await redis.client.zcard(RedisKeys.endpointInFlight('wh-turn'))).toBe(0);
    expect(await redis.client.zcard(RedisKeys.endpointInFlight('wh-turn-rated'))).toBe(0);
    expect((await admission.admit('wh-turn', 'msg_turn_1', limits)).kind).toBe('duplicate');
    expect((await admission.admit('wh-turn-rated', 'msg_rated_1', { ...rated, rate: undefined })).kind).toBe('granted');
  });
});
