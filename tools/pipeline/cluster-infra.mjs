// The pipeline's own infrastructure as clusters, for scale-out runs under faults: three Kafka
// nodes in one KRaft quorum (RF 3, min ISR 2), the registry, and a Redis Cluster of three masters
// with a replica each (AOF). Same shape as OwnInfrastructure (stack.mjs), plus the cluster kills:
// one broker, one Redis master.
import fs from 'node:fs';
import path from 'node:path';
import { apicurioComponent } from '../infra/apicurio.mjs';
import { CLUSTER_REPLICATION_FACTOR, resolveConfig } from '../infra/infra.mjs';
import { kafkaClusterNodes, kafkaComponent } from '../infra/kafka.mjs';
import { ownedPid, runCommand, stopPid } from '../infra/process.mjs';
import { clusterNodes, startRedisCluster, stopRedisClusterNodes } from '../infra/redis-cluster.mjs';
import { deleteTopicsByPrefix, until } from './stack.mjs';

export class ClusterInfrastructure {
  // Below the ephemeral range and apart from every other profile: brokers 26092/26094/26096
  // (controllers one above), registry 26081, Redis 26479-26484 (buses 100 above).
  constructor({ stateDir, kafkaPort = 26092, registryPort = 26081, redisPort = 26479, log = () => undefined }) {
    this.cfg = resolveConfig({ profile: 'cluster', stateDir, kafkaPort, controllerPort: kafkaPort + 1, registryPort, registryManagementPort: registryPort + 1, redisPort, log });
    this.brokers = kafkaClusterNodes(this.cfg).map((node) => kafkaComponent(this.cfg, node));
    this.registry = apicurioComponent(this.cfg);
    this.redisPort = redisPort;
    this.log = log;
    this.replicationFactor = CLUSTER_REPLICATION_FACTOR;
  }

  get kafkaBrokers() {
    return this.brokers.map((b) => b.url).join(',');
  }
  get schemaRegistryUrl() {
    return this.registry.url;
  }
  get redisUrl() {
    return `redis+cluster://${this.redis.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  }

  /** Starts what is not running: the first time everything, after a scenario whatever it left killed. */
  async up() {
    await Promise.all([...this.brokers.map((_, i) => this.startBroker(i)), this.startComponent(this.registry, 'schema registry'), this.startRedis()]);
  }

  /** Deletes a run's topics (by prefix), so the brokers stay light for the next scenario. */
  async deleteTopics(prefix) {
    await deleteTopicsByPrefix(this.kafkaBrokers, prefix);
  }

  /** Stops anything left from an earlier run and wipes its data, so a run starts from nothing. */
  async fresh() {
    await this.down();
    fs.rmSync(this.cfg.stateDir, { recursive: true, force: true });
  }

  async startBroker(i) {
    await this.startComponent(this.brokers[i], `kafka node ${i + 1}`);
  }

  /** kill -9 of broker `i` (0-2); the other two keep every partition writable (min ISR 2). */
  killBroker(i) {
    const pid = ownedPid(this.brokers[i].pidFile, this.brokers[i].markers);
    if (pid) process.kill(pid, 'SIGKILL');
  }

  get redisDir() {
    return path.join(this.cfg.stateDir, 'redis-cluster');
  }

  async startRedis() {
    // Formed once; later a node a scenario killed comes back on its AOF and rejoins.
    if (this.redis) return this.redis.heal();
    this.redis = await startRedisCluster({ firstPort: this.redisPort, dir: this.redisDir, nodeTimeoutMs: 5_000, log: this.log });
  }

  /**
   * kill -9 of one Redis master: `preferred` when it is one, else the first master the first
   * node that answers sees; returns its port, for `restartRedisNode`.
   */
  async killRedisMaster(preferred) {
    for (const port of this.redis.ports) {
      const nodes = await clusterNodes(port).catch(() => undefined);
      const masters = nodes?.filter((n) => n.master && !n.failed) ?? [];
      const master = masters.find((n) => n.port === preferred) ?? masters[0];
      if (!master) continue;
      this.redis.kill(master.port);
      return master.port;
    }
    throw new Error('no Redis node answers');
  }

  /** The port of the Redis master holding `key` (the full key, prefix included), or undefined when none has it. */
  async redisMasterHolding(key) {
    for (const port of this.redis.ports) {
      // Only the slot's master answers 1; the others answer MOVED (replicas too, without READONLY).
      const { output } = await runCommand('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'EXISTS', key]);
      if (output.trim() === '1') return port;
    }
    return undefined;
  }

  /** Starts a killed node again on its AOF and nodes.conf: it rejoins, as a replica of whoever took over. */
  async restartRedisNode(port) {
    await this.redis.restart(port);
  }

  async down() {
    await Promise.all([...this.brokers, this.registry].map((c) => {
      const pid = ownedPid(c.pidFile, c.markers);
      return pid ? stopPid(pid).catch(() => undefined) : undefined;
    }));
    // Nodes of a run that ended without `down` (this process never knew them) go by their pid files.
    await (this.redis ? this.redis.stop() : stopRedisClusterNodes({ firstPort: this.redisPort, dir: this.redisDir }));
    this.redis = undefined;
  }

  async startComponent(component, what) {
    if (!ownedPid(component.pidFile, component.markers)) await component.start(this.log);
    await until(what, () => component.probe(), 180_000);
  }
}
