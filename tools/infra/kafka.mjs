// Kafka 4.1.1 in KRaft mode, jars resolved with Maven: one node (broker + controller), or for the
// cluster profile one of three such nodes voting in one quorum (replication factor 3, min ISR 2).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DEPENDENCY_PLUGIN, ensureArtifact, findJava, runMaven, swapDir } from './artifacts.mjs';
import { busyPorts, InfraError, lastLines, runCommand, spawnDetached } from './process.mjs';

const HOST = '127.0.0.1';
const KAFKA_VERSION = '4.1.1';
const LOG4J_VERSION = '2.24.3';
// log4j-slf4j-impl (not slf4j2-impl): Kafka 4.1 brings slf4j-api 1.7.36.
const DEPENDENCIES = [
  ['org.apache.kafka', 'kafka_2.13', KAFKA_VERSION],
  ['org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION],
  ['org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION],
];

/** The one node of the dev and test profiles. */
const SINGLE = { id: 1, name: 'kafka', dataName: 'kafka-data', quorumSize: 1 };

/** The nodes of the cluster profile: ports kafkaPort, +2, +4 (controllers one above each). */
export function kafkaClusterNodes(cfg, count = 3) {
  return Array.from({ length: count }, (_, i) => ({ id: i + 1, name: `kafka-${i + 1}`, dataName: `kafka-${i + 1}-data`, port: cfg.kafkaPort + 2 * i, controllerPort: cfg.kafkaPort + 2 * i + 1, quorumSize: count }));
}

export function kafkaComponent(cfg, node = { ...SINGLE, port: cfg.kafkaPort, controllerPort: cfg.controllerPort }) {
  const dir = path.join(cfg.stateDir, node.name);
  const serverProperties = path.join(dir, 'server.properties');
  const brokers = `${HOST}:${node.port}`;
  return {
    name: node.name,
    externalEnv: node.quorumSize === 1 ? 'KAFKA_BROKERS' : undefined,
    portEnvs: 'CUEWIRE_KAFKA_PORT / CUEWIRE_KAFKA_CONTROLLER_PORT',
    url: brokers,
    pidFile: path.join(cfg.stateDir, `${node.name}.pid`),
    logFile: path.join(cfg.stateDir, 'logs', `${node.name}.log`),
    markers: ['kafka.Kafka', serverProperties], // the path makes the pid specific to this state dir
    readyTimeoutMs: node.quorumSize === 1 ? 60_000 : 120_000,
    probe: () => kafkaAnswers([brokers]),
    busyPorts: () => busyPorts(HOST, [node.port, node.controllerPort]),
    async start(log) {
      const libs = await ensureKafkaLibs(cfg.cacheDir, log);
      const java = await findJava({ min: 17, purpose: `Kafka ${KAFKA_VERSION}`, externalEnv: 'KAFKA_BROKERS' });
      const log4jConfig = writeConfigs(cfg, node, dir, serverProperties, this.logFile);
      const jvm = [`-Dlog4j2.configurationFile=${log4jConfig}`, `-Dkafka.logs.dir=${path.dirname(this.logFile)}`];
      await formatStorageOnce(cfg, node, { java, libs, jvm, serverProperties, log });
      return spawnDetached({
        command: java,
        // Three brokers share the machine: each gets half the heap of a lone one.
        args: ['-Xms256m', node.quorumSize === 1 ? '-Xmx1g' : '-Xmx512m', ...jvm, '-cp', `${libs}/*`, 'kafka.Kafka', serverProperties],
        cwd: dir,
        logFile: this.logFile,
        pidFile: this.pidFile,
      });
    },
  };
}

/** True once the broker answers a metadata request (an open port alone is not enough). */
export async function kafkaAnswers(bootstrapBrokers) {
  const { Admin } = await import('@platformatic/kafka');
  const admin = new Admin({ clientId: 'cuewire-infra', bootstrapBrokers, retries: 0, timeout: 3000, connectTimeout: 2000 });
  try {
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => {});
  }
}

/** `<cache>/kafka-4.1.1/libs`, resolved once from a generated pom. */
async function ensureKafkaLibs(cacheDir, log) {
  const dir = path.join(cacheDir, `kafka-${KAFKA_VERSION}`);
  const artifacts = DEPENDENCIES.map((d) => d.join(':'));
  await ensureArtifact({
    dir,
    label: `Kafka ${KAFKA_VERSION} jars`,
    log,
    async build() {
      fs.writeFileSync(path.join(dir, 'pom.xml'), pom());
      const staging = path.join(dir, 'libs.download');
      await fsp.rm(staging, { recursive: true, force: true });
      await runMaven(
        ['-f', 'pom.xml', `${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DoutputDirectory=libs.download', '-DincludeScope=runtime'],
        { cwd: dir, cacheDir, artifacts },
      );
      if (!fs.existsSync(path.join(staging, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
        throw new InfraError(`Maven finished but ${artifacts[0]} is missing from ${staging}`);
      }
      await swapDir(staging, path.join(dir, 'libs'));
    },
  });
  return path.join(dir, 'libs');
}

function pom() {
  const deps = DEPENDENCIES.map(
    ([g, a, v]) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`,
  ).join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.cuewire</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

/** Rewritten on every start so port changes apply; returns the log4j2 config path. */
function writeConfigs(cfg, node, dir, serverProperties, logFile) {
  fs.mkdirSync(dir, { recursive: true });
  const { port, controllerPort: ctrl } = node;
  const voters = node.quorumSize === 1 ? [{ id: 1, controllerPort: ctrl }] : kafkaClusterNodes(cfg, node.quorumSize);
  // One node: every internal topic must fit on one replica. Three: RF 3, and a write needs two of them.
  const replicas = Math.min(3, node.quorumSize);
  const minIsr = replicas > 1 ? 2 : 1;
  const props = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': voters.map((v) => `${v.id}@${HOST}:${v.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${ctrl}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': path.join(cfg.stateDir, node.dataName),
    'offsets.topic.replication.factor': replicas,
    'transaction.state.log.replication.factor': replicas,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': replicas,
    'share.coordinator.state.topic.min.isr': minIsr,
    'default.replication.factor': replicas,
    'min.insync.replicas': minIsr,
    'group.initial.rebalance.delay.ms': 0, // dev/test: no 3 s wait before the first rebalance
    'num.partitions': 3,
    'auto.create.topics.enable': false, // topics are created explicitly by the apps
  };
  fs.writeFileSync(serverProperties, Object.entries(props).map(([k, v]) => `${k}=${v}\n`).join(''));

  const log4j = path.join(dir, 'log4j2.properties');
  fs.writeFileSync(
    log4j,
    [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = FILE',
      `appender.file.fileName = ${logFile}`,
      'appender.file.append = true', // shares the file with the JVM's stdout/stderr
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = FILE',
      '',
    ].join('\n'),
  );
  return log4j;
}

/** KRaft storage must be formatted before the first start; data then survives restarts. */
async function formatStorageOnce(cfg, node, { java, libs, jvm, serverProperties, log }) {
  if (fs.existsSync(path.join(cfg.stateDir, node.dataName, 'meta.properties'))) return;
  log(`[infra] formatting ${node.name} storage (first start of this state dir)`);
  const args = [...jvm, '-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', sharedClusterId(cfg), '-c', serverProperties];
  const { code, output } = await runCommand(java, args);
  if (code !== 0) throw new InfraError(`Kafka storage format failed (exit ${code}):\n${lastLines(output)}`);
}

/** The nodes of one cluster are formatted with one id, kept in the state dir. */
function sharedClusterId(cfg) {
  const file = path.join(cfg.stateDir, 'kafka-cluster-id');
  if (!fs.existsSync(file)) fs.writeFileSync(file, clusterId(), { flag: 'wx' });
  return fs.readFileSync(file, 'utf8').trim();
}

/** Same format as `StorageTool random-uuid` (16 random bytes, base64url), without a JVM start. */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka never issues ids starting with '-'
  }
}
