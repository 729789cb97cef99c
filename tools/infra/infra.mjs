#!/usr/bin/env node
// Local infrastructure (Kafka, Apicurio Registry, Redis, PostgreSQL) as plain processes — no Docker.
//   node tools/infra/infra.mjs up|down [--clean]|status [--profile dev|test|cluster]
// Also imported by the Jest global setup and `npm start` (infraUp/infraDown/infraStatus).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { apicurioComponent } from './apicurio.mjs';
import { seconds } from './artifacts.mjs';
import { kafkaClusterNodes, kafkaComponent } from './kafka.mjs';
import { EXTERNAL_HINT, InfraError, ownedPid, stopPid, tailFile, tcpOpen, waitFor, withLock } from './process.mjs';
import { postgresComponent } from './postgres.mjs';
import { redisComponent } from './redis.mjs';
import { clusterPorts, formRedisCluster, redisClusterNodeComponents } from './redis-cluster.mjs';

export { InfraError };

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// 'test' uses its own ports and state dir so a test run never touches a dev stack. Redis is
// always our own (with AOF), never the machine's usual 6379, which may keep nothing on disk.
const PROFILES = {
  dev: { kafkaPort: 9092, controllerPort: 9093, registryPort: 8081, redisPort: 6380, postgresPort: 5432 },
  test: { kafkaPort: 19092, controllerPort: 19093, registryPort: 18081, redisPort: 16379, postgresPort: 15432, postgresReusePort: 5432 },
  // Three Kafka nodes on 24092/24094/24096 (controllers one above), a Redis Cluster on 24379-24384
  // (buses +100): what scale-out runs on (docs/scaling.md).
  cluster: { kafkaPort: 24092, controllerPort: 24093, registryPort: 24081, redisPort: 24379, postgresPort: 24432, postgresReusePort: 5432 },
};

/** The cluster profile's replication factor for the topics services create. */
export const CLUSTER_REPLICATION_FACTOR = 3;

/** Options win over env vars, env vars over the profile defaults. */
export function resolveConfig(options = {}) {
  const env = process.env;
  const profile = options.profile ?? 'dev';
  const defaults = PROFILES[profile];
  if (!defaults) throw new InfraError(`unknown profile '${profile}' (use ${Object.keys(PROFILES).join(', ')})`);
  const pick = (key, envName, fallback = defaults[key]) => toPort(options[key] ?? env[envName] ?? fallback, key);
  const registryPort = pick('registryPort', 'CUEWIRE_REGISTRY_PORT');
  const cacheRoot = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return {
    profile,
    kafkaPort: pick('kafkaPort', 'CUEWIRE_KAFKA_PORT'),
    controllerPort: pick('controllerPort', 'CUEWIRE_KAFKA_CONTROLLER_PORT'),
    registryPort,
    registryManagementPort: pick('registryManagementPort', 'CUEWIRE_REGISTRY_MANAGEMENT_PORT', registryPort + 1),
    redisPort: pick('redisPort', 'CUEWIRE_REDIS_PORT'),
    postgresPort: pick('postgresPort', 'CUEWIRE_POSTGRES_PORT'),
    // Tests may use the PostgreSQL every machine has on 5432: each test makes a database of its own.
    postgresReusePort: (options.postgresPort ?? env.CUEWIRE_POSTGRES_PORT) ? undefined : defaults.postgresReusePort,
    cacheDir: path.resolve(options.cacheDir ?? (env.CUEWIRE_CACHE_DIR || path.join(cacheRoot, 'cuewire'))),
    stateDir: path.resolve(options.stateDir ?? (env.CUEWIRE_STATE_DIR || path.join(REPO_ROOT, '.cuewire', 'infra', profile))),
    log: options.log ?? ((msg) => console.error(msg)),
  };
}

function toPort(value, key) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InfraError(`invalid ${key}: ${value}`);
  return port;
}

function components(cfg) {
  if (cfg.profile === 'cluster') return [...kafkaClusterNodes(cfg).map((node) => kafkaComponent(cfg, node)), apicurioComponent(cfg), ...redisClusterNodeComponents(cfg), postgresComponent(cfg)];
  return [kafkaComponent(cfg), apicurioComponent(cfg), redisComponent(cfg), postgresComponent(cfg)];
}

const externalUrl = (c) => process.env[c.externalEnv] || undefined;

/** Reachability only (no protocol check), since external servers may need auth/TLS. */
async function externalReachable(c, url) {
  if (c.name === 'schema-registry') {
    try {
      await fetch(`${url.replace(/\/$/, '')}/subjects`, { signal: AbortSignal.timeout(3000) }).then((r) => r.body?.cancel());
      return true;
    } catch {
      return false;
    }
  }
  const targets =
    c.name === 'redis' || c.name === 'postgres'
      ? [new URL(url)].map((u) => ({ host: u.hostname, port: Number(u.port || (c.name === 'redis' ? 6379 : 5432)) }))
      : url.split(',').map((b) => {
          const [host, port] = b.trim().replace(/^\w+:\/\//, '').split(/:(?=\d+$)/);
          return { host: host.replace(/^\[|\]$/g, ''), port: Number(port || 9092) };
        });
  for (const t of targets) if (await tcpOpen(t.host, t.port, 2000)) return true;
  return false;
}

/**
 * Starts Kafka, the registry and Redis unless running or external. All
 * components are inspected first, so a port conflict or unreachable external server aborts before anything
 * is started; the starts then run in parallel.
 */
export async function infraUp(options = {}) {
  const cfg = resolveConfig(options);
  const values = await withLock(path.join(cfg.stateDir, '.lock'), async () => {
    await fsp.mkdir(cfg.stateDir, { recursive: true });
    const plans = await Promise.all(components(cfg).map((c) => inspect(c, cfg)));
    const problems = plans.filter((p) => p.problem).map((p) => p.problem);
    if (problems.length) throw new InfraError(problems.join('\n'));
    const done = await settleAll(plans.map((p) => p.run()));
    if (cfg.profile === 'cluster') await formRedisCluster(clusterPorts(cfg.redisPort), { log: cfg.log });
    return done;
  });
  const named = (prefix) => values.filter((v) => v.name === prefix || v.name.startsWith(`${prefix}-`));
  const redisNodes = named('redis').map((v) => v.url.replace(/^redis:\/\//, ''));
  return {
    kafkaBrokers: named('kafka').map((v) => v.url).join(','),
    schemaRegistryUrl: named('schema-registry')[0].url,
    redisUrl: cfg.profile === 'cluster' ? `redis+cluster://${redisNodes.join(',')}` : named('redis')[0].url,
    databaseUrl: named('postgres')[0].url,
    ...(cfg.profile === 'cluster' ? { replicationFactor: CLUSTER_REPLICATION_FACTOR } : {}),
    started: values.filter((v) => v.started).map((v) => v.name),
  };
}

/** Like Promise.all, but waits for every start and reports all failures together. */
async function settleAll(promises) {
  const results = await Promise.allSettled(promises);
  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (failures.length === 1) throw failures[0];
  if (failures.length) throw new InfraError(failures.map((e) => e.message).join('\n\n'));
  return results.map((r) => r.value);
}

/** Decides what `up` must do for one component: { problem } (abort) or { run }. */
async function inspect(c, cfg) {
  const { log } = cfg;
  const done = (url, started, external = false) => ({ name: c.name, url, started, external });
  const ext = externalUrl(c);
  if (ext) {
    if (!(await externalReachable(c, ext))) return { problem: `${c.name}: ${c.externalEnv}=${ext} is not reachable` };
    return {
      run: async () => {
        log(`[infra] ${c.name}: external ${ext} (${c.externalEnv})`);
        return done(ext, false, true);
      },
    };
  }
  const pid = ownedPid(c.pidFile, c.markers);
  if (pid) {
    return {
      run: async () => {
        if (await c.probe()) {
          log(`[infra] ${c.name}: already running (pid ${pid}) at ${c.url}`);
        } else {
          log(`[infra] ${c.name}: pid ${pid} is alive but not ready yet; waiting`);
          await awaitReady(c, pid, cfg);
        }
        return done(c.url, false);
      },
    };
  }
  fs.rmSync(c.pidFile, { force: true }); // stale
  // A component may reuse a server it did not start (PostgreSQL: the one every machine has on 5432).
  const reusable = await c.findReusable?.();
  if (reusable) {
    return {
      run: async () => {
        log(`[infra] ${c.name}: reusing the server already answering at ${reusable}`);
        return done(reusable, false, true);
      },
    };
  }
  const busy = await c.busyPorts();
  if (busy.length) {
    return {
      problem:
        `${c.name}: port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} ${busy.length > 1 ? 'are' : 'is'} already taken by a process this tool did not start. ` +
        `Stop it, choose other ports (${c.portEnvs}), or set ${c.externalEnv} to use that server.`,
    };
  }
  return {
    run: async () => {
      const started = Date.now();
      const newPid = await c.start(log);
      log(`[infra] ${c.name}: started (pid ${newPid}), waiting until ready; log: ${c.logFile}`);
      await awaitReady(c, newPid, cfg);
      log(`[infra] ${c.name}: ready at ${c.url} (${seconds(started)})`);
      return done(c.url, true);
    },
  };
}

/** On failure: show the log tail, stop the half-started process, and throw. */
async function awaitReady(c, pid, cfg) {
  try {
    await waitFor(c.probe, { timeoutMs: c.readyTimeoutMs, pid, what: `${c.name} (pid ${pid})` });
  } catch (err) {
    const tail = tailFile(c.logFile, 30);
    cfg.log(`[infra] ${c.name}: last lines of ${c.logFile}:\n${tail}`);
    await stopPid(pid);
    fs.rmSync(c.pidFile, { force: true });
    throw new InfraError(`${err.message}; see ${c.logFile}`);
  }
}

/** Stops what infraUp started (by pid). Kafka data survives unless options.clean. */
export async function infraDown(options = {}) {
  const cfg = resolveConfig(options);
  await withLock(path.join(cfg.stateDir, '.lock'), () =>
    Promise.all(components(cfg).map((c) => downComponent(c, cfg))),
  );
  if (options.clean) {
    await fsp.rm(cfg.stateDir, { recursive: true, force: true });
    cfg.log(`[infra] removed ${cfg.stateDir}`);
  }
}

async function downComponent(c, { log }) {
  if (externalUrl(c)) return log(`[infra] ${c.name}: external (${c.externalEnv}), left alone`);
  const pid = ownedPid(c.pidFile, c.markers);
  if (pid) {
    const how = await stopPid(pid, { timeoutMs: 20_000 });
    log(`[infra] ${c.name}: stopped pid ${pid} (${how})`);
  } else {
    log(`[infra] ${c.name}: not running (nothing of ours to stop)`);
  }
  fs.rmSync(c.pidFile, { force: true });
}

/** One entry per component: { name, external, running, pid?, url }. */
export async function infraStatus(options = {}) {
  const cfg = resolveConfig(options);
  return Promise.all(components(cfg).map((c) => statusOf(c)));
}

async function statusOf(c) {
  const ext = externalUrl(c);
  if (ext) return { name: c.name, external: true, running: await externalReachable(c, ext), url: ext };
  const pid = ownedPid(c.pidFile, c.markers);
  if (pid) return { name: c.name, external: false, running: await c.probe(), pid, url: c.url };
  const reusable = await c.findReusable?.();
  if (reusable) return { name: c.name, external: true, running: true, url: reusable };
  return { name: c.name, external: false, running: false, url: c.url };
}

// ---------------------------------------------------------------- CLI

function parseArgs(argv) {
  const args = { command: undefined, profile: undefined, clean: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--clean') args.clean = true;
    else if (a === '--profile') args.profile = argv[++i];
    else if (a.startsWith('--profile=')) args.profile = a.slice('--profile='.length);
    else if (!args.command && !a.startsWith('-')) args.command = a;
    else throw new InfraError(`unexpected argument: ${a}`);
  }
  return args;
}

function printTable(rows) {
  const lines = [['COMPONENT', 'STATE', 'PID', 'URL']];
  for (const r of rows) {
    const state = r.running ? (r.external ? 'external' : 'running') : r.external ? 'unreachable' : 'stopped';
    lines.push([r.name, state, r.pid ? String(r.pid) : '-', r.url]);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines) console.log(l.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

async function main(argv) {
  const { command, profile, clean } = parseArgs(argv);
  const options = { profile };
  switch (command) {
    case 'up': {
      const started = Date.now();
      const env = await infraUp(options);
      console.error(`[infra] up in ${seconds(started)}${env.started.length ? `; started: ${env.started.join(', ')}` : '; nothing to start'}`);
      console.log(`KAFKA_BROKERS=${env.kafkaBrokers}`);
      console.log(`SCHEMA_REGISTRY_URL=${env.schemaRegistryUrl}`);
      console.log(`REDIS_URL=${env.redisUrl}`);
      if (env.replicationFactor) console.log(`KAFKA_REPLICATION_FACTOR=${env.replicationFactor}`);
      return 0;
    }
    case 'down':
      await infraDown({ ...options, clean });
      return 0;
    case 'status': {
      const rows = await infraStatus(options);
      printTable(rows);
      return rows.every((r) => r.running) ? 0 : 3;
    }
    default:
      console.error('usage: node tools/infra/infra.mjs up|down [--clean]|status [--profile dev|test|cluster]');
      return command ? 2 : 0;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err instanceof InfraError ? `[infra] ${err.message}` : err);
      if (!(err instanceof InfraError)) console.error(EXTERNAL_HINT);
      process.exitCode = 1;
    },
  );
}
