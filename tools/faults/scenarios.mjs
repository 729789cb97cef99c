// The fault suite's scenarios: each names a fault and how to inject it while events flow.
// `inject` runs when 40 % of the events are sent; the run then waits for everything expected.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PIPELINE_SERVICES } from '../pipeline/stack.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const short = (app) => app.replace('campaign-', '');

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
