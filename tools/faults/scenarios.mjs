// The fault suite's scenarios: each names a fault and how to inject it while events flow.
// `inject` runs when 40 % of the events are sent; the run then waits for everything expected.
// `needsOwnInfra`: kills or empties the one broker, registry or Redis of OwnInfrastructure (not
// run with --cluster); `needsCluster`: kills cluster members (run only with --cluster).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { HOT_PATH_SERVICES, PIPELINE_SERVICES } from '../pipeline/stack.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const short = (app) => app.replace('campaign-', '');

/** The services `--cluster` runs three of (control-plane and ingest stay one each). */
export const CLUSTER_REPLICAS = { segmenter: 3, 'campaign-evaluator': 3, renderer: 3, dispatcher: 3 };

/** Why `scenario` is not run on this kind of infrastructure, or undefined when it is. */
export function skipReason(scenario, { cluster }) {
  if (cluster && scenario.needsOwnInfra) return 'it kills the single broker, registry or Redis of the one-node stack; --cluster has cluster-chaos instead';
  if (!cluster && scenario.needsCluster) return 'it needs three brokers and a Redis Cluster: run it with --cluster';
  return undefined;
}

/**
 * Kill -9 one replica of each scaled service and start a new one, 3 s apart: two rebalances
 * per group while it has work. Resolves once the new replicas are ready.
 */
async function replaceReplicas({ services, log }) {
  const added = [];
  for (const app of Object.keys(CLUSTER_REPLICAS)) {
    // The newest live replica: `get(app)` (the first) stays the one the single-service scenarios use.
    const victim = services.replicasOf(app).filter((s) => s.running).at(-1);
    await victim.kill('SIGKILL');
    log(`killed -9 ${victim.name}; adding a replica`);
    added.push(startReplica(services, app, log));
    await sleep(3_000);
  }
  return Promise.all(added);
}

/**
 * Adds a replica of `app`; one that exits while starting (a broker down at that moment) is
 * started again, as a supervisor would, and the failure is logged: it is a finding of the run.
 */
async function startReplica(services, app, log) {
  const runner = services.addRunner(app);
  for (let attempt = 1; ; attempt++) {
    try {
      await runner.start();
      log(`${runner.name} ready`);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      log(`STARTUP FAILURE: ${error.message.split('\n')[0]}; starting it again, as a supervisor would`);
      await runner.kill('SIGKILL'); // one that hangs in its start is still running
      runner.restarts++;
      await sleep(2_000);
    }
  }
}

/** Kill -9 a Kafka broker and start it again 5 s later; resolves at the restart, with `back` for when it answers. */
async function bounceBroker({ infra, log }) {
  const broker = 0; // the first bootstrap address: clients must find the cluster through the others
  infra.killBroker(broker);
  log(`killed -9 Kafka broker ${broker + 1}`);
  await sleep(5_000);
  // Wrapped: an async function returning the bare promise would make callers wait for it.
  return { back: infra.startBroker(broker).then(() => log(`Kafka broker ${broker + 1} back`)) };
}

/**
 * Kill -9 a Redis master (its replica takes over after the 5 s node timeout), then start the old
 * node again: it rejoins as a replica. The master holding the durable timers (`timers:due`, one
 * key on one master) when there is one: it holds customers' state as well, and the timer
 * poller's writes besides, which makes its failover the one with the most to lose.
 */
async function failOverRedis({ infra, log, env }) {
  const timers = await infra.redisMasterHolding(`${env.REDIS_KEY_PREFIX}timers:due`).catch(() => undefined);
  const port = await infra.killRedisMaster(timers);
  log(`killed -9 the Redis master on ${port}${timers === undefined ? '' : timers === port ? ' (it held timers:due)' : ` (timers:due is on ${timers})`}`);
  await sleep(10_000);
  await infra.restartRedisNode(port);
  log(`Redis node ${port} restarted on its AOF`);
}

/**
 * All of the cluster's faults, a few seconds apart so that the rebalances overlap each other
 * and the load: replicas replaced (while the new ones start), a broker bounced, a Redis master
 * failed over.
 */
async function clusterChaos(context) {
  const added = replaceReplicas(context);
  await sleep(12_000);
  const broker = await bounceBroker(context);
  await failOverRedis(context);
  await Promise.all([broker.back, added]);
}

const killAndRestart = (app) => ({
  name: `kill -9 ${short(app)}`,
  key: `kill-${short(app)}`,
  inject: async ({ services }) => services.get(app).restart('SIGKILL', 2_000),
});

const terminateAndRestart = (app) => ({
  name: `SIGTERM ${short(app)}`,
  key: `term-${short(app)}`,
  strictDuplicates: true,
  inject: async ({ services }) => services.get(app).restart('SIGTERM', 1_000),
});

export const SCENARIOS = [
  { name: 'no fault (baseline)', key: 'baseline', strictDuplicates: true, inject: async () => undefined },
  ...PIPELINE_SERVICES.map(killAndRestart),
  ...PIPELINE_SERVICES.map(terminateAndRestart),
  {
    // ADR 0027: an install moves from one process per service to the hot path in one process
    // while events flow, and that process then dies.
    name: 'hot path handed over to one process, then kill -9 of it',
    key: 'single-process',
    inject: async ({ services, log }) => {
      const combined = await services.combine(HOT_PATH_SERVICES);
      log(`${HOT_PATH_SERVICES.join(', ')} handed over to one process of the single binary`);
      await sleep(5_000);
      await combined.restart('SIGKILL', 2_000);
      log('the combined process killed -9 and started again');
    },
  },
  {
    name: 'registry down 60 s, segmenter restarted meanwhile',
    key: 'registry-outage',
    needsOwnInfra: true,
    inject: async ({ infra, services, log }) => {
      await infra.stopPart('registry');
      log('registry stopped');
      await sleep(20_000);
      // A service that starts during the outage: it waits for the registry instead of failing.
      const segmenter = services.get('segmenter');
      await segmenter.kill('SIGKILL');
      const restarted = segmenter.start(300_000);
      await sleep(40_000);
      await infra.start('registry');
      log('registry back');
      await restarted;
    },
  },
  {
    name: 'Redis kill -9, restart from its AOF',
    key: 'redis-kill',
    needsOwnInfra: true,
    inject: async ({ infra }) => {
      infra.kill('redis');
      await sleep(3_000);
      await infra.start('redis');
    },
  },
  {
    name: 'Redis emptied, then `cuewire rebuild profiles`',
    key: 'redis-rebuild',
    needsOwnInfra: true,
    // Sequence progress, timers, schedule progress, caps and marks are state Redis must keep
    // (AOF); emptying it loses them by definition, so only profiles, segments, every event
    // firing and the on-demand firings are judged.
    lossyState: true,
    orderNotGuaranteed: 'delivered marks and ordering state are wiped with Redis',
    inject: async ({ infra, services, env, log }) => {
      const { Redis } = await import('ioredis');
      const redis = new Redis(infra.redisUrl);
      await redis.flushall();
      await redis.quit();
      log('redis emptied');
      const cli = spawnSync(process.execPath, [path.join(REPO, 'dist', 'apps', 'cuewire', 'src', 'cli.js'), 'rebuild', 'profiles'], { env: { ...process.env, ...env }, encoding: 'utf8' });
      log(`rebuild exited ${cli.status}: ${(cli.stdout + cli.stderr).trim().split('\n').slice(-2).join(' | ')}`);
      // Replicas re-read what they cache (config views are in memory; endpoint state restarts empty).
      await services.get('dispatcher').restart('SIGTERM', 500);
    },
  },
  {
    name: 'Kafka broker kill -9 and restart',
    key: 'kafka-restart',
    needsOwnInfra: true,
    inject: async ({ infra }) => {
      infra.kill('kafka');
      await sleep(5_000);
      await infra.start('kafka');
    },
  },
  {
    name: 'cluster: kill -9 + add a replica of each service, kill -9 a broker, kill -9 a Redis master',
    key: 'cluster-chaos',
    needsCluster: true,
    inject: clusterChaos,
  },
  // The parts of cluster-chaos alone, to tell which one a failure comes from.
  { name: 'cluster: kill -9 + add a replica of each service', key: 'cluster-replicas', needsCluster: true, inject: replaceReplicas },
  { name: 'cluster: kill -9 a Kafka broker, restart it', key: 'cluster-broker', needsCluster: true, inject: async (context) => (await bounceBroker(context)).back },
  { name: 'cluster: kill -9 a Redis master (failover), restart it', key: 'cluster-redis-failover', needsCluster: true, inject: failOverRedis },
  {
    name: 'receiver: 5xx burst, timeouts, resets, slow',
    key: 'receiver-faults',
    // A failed delivery's retry still comes before the customer's later ones (DISPATCH_ORDERING=customer).
    inject: async ({ receiver }) => {
      for (const mode of ['5xx', 'timeout', 'reset', 'slow']) {
        receiver.misbehave(mode, 8_000, 0.7);
        await sleep(8_000);
      }
    },
  },
  {
    name: 'poison records in every input topic',
    key: 'poison',
    poison: true,
    inject: async ({ writePoison }) => writePoison(),
  },
];
