// A whole Cuewire pipeline on loopback, every part its own process, for the fault suite and the
// pipeline benchmark: its OWN Kafka, schema registry and Redis (with AOF), so they can be killed
// and restarted without touching anyone else's, and each built service as a separate process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apicurioComponent } from '../infra/apicurio.mjs';
import { resolveConfig } from '../infra/infra.mjs';
import { kafkaComponent } from '../infra/kafka.mjs';
import { isAlive, ownedPid, redisPing, sleep, stopPid } from '../infra/process.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PIPELINE_SERVICES = ['control-plane', 'ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher'];
/** What the single-process layout runs in one process (ADR 0027): all but the control plane. */
export const HOT_PATH_SERVICES = PIPELINE_SERVICES.filter((app) => app !== 'control-plane');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it answers true (a throw counts as not yet). */
export async function until(what, probe, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Deletes the topics whose names start with `prefix` (a run's), on the brokers `brokers` (comma-separated). */
export async function deleteTopicsByPrefix(brokers, prefix) {
  const { Admin } = await import('@platformatic/kafka');
  const admin = new Admin({ clientId: 'cuewire-pipeline-cleanup', bootstrapBrokers: brokers.split(',') });
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.close();
  }
}

/** Kafka, registry and Redis of our own, on the ports given, state under `stateDir`. */
export class OwnInfrastructure {
  // Default ports sit below Linux's ephemeral range (32768–60999), where an outgoing
  // connection could already hold the port when a server starts.
  constructor({ stateDir, kafkaPort = 22092, controllerPort = 22093, registryPort = 22081, redisPort = 22379, log = () => undefined }) {
    this.cfg = resolveConfig({ profile: 'test', stateDir, kafkaPort, controllerPort, registryPort, registryManagementPort: registryPort + 1, redisPort, log });
    this.kafka = kafkaComponent(this.cfg);
    this.registry = apicurioComponent(this.cfg);
    this.redisPort = redisPort;
    this.redisDir = path.join(stateDir, 'redis');
    this.redisPidFile = path.join(stateDir, 'redis.pid');
    this.redisLog = path.join(stateDir, 'logs', 'redis.log');
    this.log = log;
  }

  get kafkaBrokers() {
    return this.kafka.url;
  }
  get schemaRegistryUrl() {
    return this.registry.url;
  }
  get redisUrl() {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  async up() {
    await Promise.all([this.startKafka(), this.startRegistry(), this.startRedis()]);
  }

  /** Stops anything left from an earlier run and wipes its data, so a run starts from nothing. */
  async fresh() {
    await this.down();
    fs.rmSync(this.cfg.stateDir, { recursive: true, force: true });
  }

  /** Deletes a run's topics (by prefix), so the broker stays light for the next scenario. */
  async deleteTopics(prefix) {
    await deleteTopicsByPrefix(this.kafkaBrokers, prefix);
  }

  async startKafka() {
    if (!this.pidOf(this.kafka)) await this.kafka.start(this.log);
    await until('kafka', () => this.kafka.probe(), 180_000);
  }

  async startRegistry() {
    if (!this.pidOf(this.registry)) await this.registry.start(this.log);
    await until('schema registry', () => this.registry.probe(), 180_000);
  }

  /** Redis with an append-only file fsynced every second: acknowledged writes survive kill -9. */
  async startRedis() {
    if (await redisPing('127.0.0.1', this.redisPort)) return;
    fs.mkdirSync(this.redisDir, { recursive: true });
    fs.mkdirSync(path.dirname(this.redisLog), { recursive: true });
    const args = ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--dir', this.redisDir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
    const out = fs.openSync(this.redisLog, 'a');
    const child = spawn('redis-server', args, { detached: true, stdio: ['ignore', out, out] });
    child.unref();
    fs.closeSync(out);
    this.redisPid = child.pid;
    fs.writeFileSync(this.redisPidFile, `${child.pid}\n`);
    // A restart replays the AOF before it answers PING with PONG (it answers LOADING meanwhile).
    await until('redis', () => redisPing('127.0.0.1', this.redisPort), 60_000);
  }

  redisPidNow() {
    if (this.redisPid) return this.redisPid;
    const pid = Number(fs.existsSync(this.redisPidFile) ? fs.readFileSync(this.redisPidFile, 'utf8').trim() : 0);
    return pid && isAlive(pid) ? pid : undefined;
  }

  pidOf(component) {
    return ownedPid(component.pidFile, component.markers);
  }

  /** kill -9 one part: 'kafka', 'registry' or 'redis'. */
  kill(part) {
    const pid = part === 'redis' ? this.redisPidNow() : this.pidOf(part === 'kafka' ? this.kafka : this.registry);
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (part === 'redis') this.redisPid = undefined;
  }

  async stopPart(part) {
    const pid = part === 'redis' ? this.redisPidNow() : this.pidOf(part === 'kafka' ? this.kafka : this.registry);
    if (pid) await stopPid(pid);
    if (part === 'redis') this.redisPid = undefined;
  }

  async start(part) {
    if (part === 'kafka') return this.startKafka();
    if (part === 'registry') return this.startRegistry();
    return this.startRedis();
  }

  async down() {
    await Promise.all(['kafka', 'registry', 'redis'].map((p) => this.stopPart(p).catch(() => undefined)));
  }
}

/** One built service (dist/apps/<app>/src/main.js) as its own process; `name` tells replicas apart (their log file). */
export class ServiceRunner {
  constructor(app, env, logDir, name = app) {
    this.app = app;
    this.name = name;
    this.env = env;
    this.logDir = logDir;
    this.restarts = 0;
  }

  async start(readyTimeoutMs = 120_000) {
    this.port ??= await freePort();
    fs.mkdirSync(this.logDir, { recursive: true });
    const out = fs.openSync(path.join(this.logDir, `${this.name}.log`), 'a');
    this.child = spawn(process.execPath, [path.join(REPO, 'dist', 'apps', this.app, 'src', 'main.js')], {
      env: { ...process.env, ...this.env, HTTP_PORT: String(this.port), CUEWIRE_EXIT_WITH_PARENT: String(process.pid) },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const child = this.child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // The last readiness answer names the probe that is failing, so a timeout says why.
    let last = 'no answer yet';
    let ready = false;
    // A process that exits while starting fails the start at once, not after the timeout.
    const died = this.exited.then(({ code, signal }) => {
      if (!ready) throw new Error(`${this.name} exited (${signal ?? `code ${code}`}) before it was ready; see its log ${path.join(this.logDir, `${this.name}.log`)}`);
    });
    const answered = until(`${this.name} ready (log ${path.join(this.logDir, `${this.name}.log`)})`, async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.app} exited`);
      try {
        const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        last = `${res.status} ${(await res.text()).slice(0, 500)}`;
        return res.status === 200;
      } catch (error) {
        last = error.message;
        return false;
      }
    }, readyTimeoutMs).then(
      () => void (ready = true),
      (error) => {
        throw new Error(`${error.message}; last readiness answer: ${last}`);
      },
    );
    await Promise.race([answered, died]);
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get running() {
    return this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal = 'SIGKILL') {
    if (!this.running) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM and wait for the graceful exit (drain, commit, leave the group). */
  async stop() {
    return this.kill('SIGTERM');
  }

  async restart(signal = 'SIGKILL', pauseMs = 1_000) {
    await this.kill(signal);
    await sleep(pauseMs);
    this.restarts++;
    await this.start();
  }
}

/**
 * The six pipeline services of one run (own topic, group and key prefixes). `replicas`
 * ({ 'campaign-evaluator': 3, … }) starts that many processes of a service: `get(app)` is the
 * first, the others are named `<app>#2`, `<app>#3`, ….
 */
export class PipelineServices {
  constructor({ infra, runId, adminKey, logDir, extraEnv = {}, replicas = {} }) {
    this.env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: infra.kafkaBrokers,
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      REDIS_URL: infra.redisUrl,
      KAFKA_TOPIC_PREFIX: `${runId}.`,
      KAFKA_TOPIC_PARTITIONS: '6',
      KAFKA_GROUP_PREFIX: runId,
      REDIS_KEY_PREFIX: `${runId}:`,
      ...(infra.replicationFactor ? { KAFKA_REPLICATION_FACTOR: String(infra.replicationFactor) } : {}),
      CUEWIRE_ADMIN_KEY: adminKey,
      CUEWIRE_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      DISPATCH_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
      ...extraEnv,
    };
    this.logDir = logDir;
    this.services = new Map();
    for (const app of PIPELINE_SERVICES) for (let k = 1; k <= (replicas[app] ?? 1); k++) this.addRunner(app);
  }

  /** The process running `app`: its own, or the one it was combined into. */
  get(app) {
    return this.services.get(app) ?? [...this.services.values()].find((s) => s.targets?.includes(app));
  }

  /**
   * Stops the processes of `apps` (gracefully: they commit and leave their groups) and runs
   * them all in one process of the single binary (`apps/cuewire`, `CUEWIRE_TARGETS`), which
   * takes over their consumer groups from the committed offsets. `get(app)` then returns it.
   */
  async combine(apps, name = 'cuewire', env = {}) {
    const runners = apps.flatMap((app) => this.replicasOf(app));
    await Promise.all(runners.map((r) => r.stop()));
    for (const r of runners) this.services.delete(r.name);
    const runner = new ServiceRunner('cuewire', { ...this.env, ...env, CUEWIRE_TARGETS: apps.join(',') }, this.logDir, name);
    runner.targets = [...apps];
    this.services.set(name, runner);
    await runner.start();
    return runner;
  }

  /** Every process of `app`, the first one first. */
  replicasOf(app) {
    return [...this.services.values()].filter((s) => s.app === app);
  }

  /** One more process of `app`, started (Kafka rebalances its partitions onto it). */
  async addReplica(app) {
    const runner = this.addRunner(app);
    await runner.start();
    return runner;
  }

  addRunner(app) {
    const k = this.replicasOf(app).length + 1;
    const name = k === 1 ? app : `${app}#${k}`;
    const runner = new ServiceRunner(app, this.env, this.logDir, name);
    this.services.set(name, runner);
    return runner;
  }

  async startAll() {
    // The control plane first: it creates the topics and registers the schemas the others use.
    await this.get('control-plane').start();
    await Promise.all([...this.services.values()].filter((s) => s.app !== 'control-plane').map((s) => s.start()));
  }

  async stopAll() {
    await Promise.all([...this.services.values()].map((s) => s.stop().catch(() => undefined)));
  }
}
