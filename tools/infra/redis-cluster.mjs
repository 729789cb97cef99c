// Redis Cluster on loopback: N masters with one replica each, every node with AOF (the same
// persistence as the single server, see redis.mjs). Used by `infra up --profile cluster` and by
// tests that start a cluster of their own.
import fs from 'node:fs';
import path from 'node:path';
import { busyPorts, EXTERNAL_HINT, InfraError, ownedPid, redisPing, runCommand, sleep, spawnDetached, stopPid, waitFor } from './process.mjs';
import { redisServerArgs } from './redis.mjs';

const HOST = '127.0.0.1';
/** The cluster bus listens this far above a node's port (Redis' default, +10000, would leave the range below 32768). */
export const BUS_PORT_OFFSET = 100;

/**
 * redis-server arguments of one cluster node. `nodeTimeoutMs`: how long a master may be
 * unreachable before its replica takes over (Redis' default is 15 s; tests want it short).
 */
export function redisClusterNodeArgs(port, dataDir, { nodeTimeoutMs = 5_000 } = {}) {
  return [
    ...redisServerArgs(port, dataDir),
    '--cluster-enabled', 'yes',
    '--cluster-config-file', 'nodes.conf',
    '--cluster-port', String(port + BUS_PORT_OFFSET),
    '--cluster-node-timeout', String(nodeTimeoutMs),
    // A replica that lost its master for a while may still take over (the data it has is all there is).
    '--cluster-replica-validity-factor', '0',
  ];
}

/** The node ports: masters × (1 + replicas) consecutive ports from `firstPort`. */
export function clusterPorts(firstPort, masters = 3, replicas = 1) {
  return Array.from({ length: masters * (1 + replicas) }, (_, i) => firstPort + i);
}

/** One infra component per node (own pid file, data dir and log), for the generic up/down/status. */
export function redisClusterNodeComponents(cfg) {
  return clusterPorts(cfg.redisPort).map((port) => {
    const name = `redis-${port}`;
    return {
      name,
      url: `redis://${HOST}:${port}`,
      pidFile: path.join(cfg.stateDir, `${name}.pid`),
      logFile: path.join(cfg.stateDir, 'logs', `${name}.log`),
      markers: ['redis-server', `:${port}`],
      readyTimeoutMs: 15_000,
      probe: () => redisPing(HOST, port),
      busyPorts: () => busyPorts(HOST, [port, port + BUS_PORT_OFFSET]),
      portEnvs: 'CUEWIRE_REDIS_PORT (the first of six)',
      start: () => startNode(port, path.join(cfg.stateDir, 'redis-cluster', String(port)), path.join(cfg.stateDir, 'logs', `${name}.log`), path.join(cfg.stateDir, `${name}.pid`)),
    };
  });
}

async function startNode(port, dataDir, logFile, pidFile, options) {
  // nodes.conf and the AOF outlive the process: a restarted node rejoins with its slots and data.
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return await spawnDetached({ command: 'redis-server', args: redisClusterNodeArgs(port, dataDir, options), cwd: dataDir, logFile, pidFile });
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    throw new InfraError(`redis-server is not on PATH (apt-get install redis-server). ${EXTERNAL_HINT}`);
  }
}

/** `redis-cli` against one node; resolves its output, rejects on a failing exit. */
async function cli(args) {
  const { code, output } = await runCommand('redis-cli', args);
  if (code !== 0) throw new InfraError(`redis-cli ${args.join(' ')} failed (exit ${code}): ${output.trim()}`);
  return output;
}

/**
 * True when every node reports cluster_state:ok and knows all the others, and every replica has
 * finished its first sync (a replica promoted before that would take over with no data).
 */
export async function clusterHealthy(ports) {
  for (const port of ports) {
    const info = await cli(['-h', HOST, '-p', String(port), 'cluster', 'info']).catch(() => '');
    if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${ports.length}`)) return false;
    const replication = await cli(['-h', HOST, '-p', String(port), 'info', 'replication']).catch(() => '');
    if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
  }
  return true;
}

/**
 * Joins the nodes into a cluster (`redis-cli --cluster create … --cluster-replicas 1`) unless
 * they already are one (a restart with their nodes.conf), then waits until every node agrees.
 */
export async function formRedisCluster(ports, { log = () => {}, replicas = 1, timeoutMs = 60_000 } = {}) {
  const info = await cli(['-h', HOST, '-p', String(ports[0]), 'cluster', 'info']);
  if (/cluster_slots_assigned:0\b/.test(info)) {
    log(`[infra] redis-cluster: creating (${ports.length / (1 + replicas)} masters, ${replicas} replica each)`);
    await cli(['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes']);
  }
  await waitFor(() => clusterHealthy(ports), { timeoutMs, what: 'the Redis Cluster' });
}

/** The cluster's nodes by role, as CLUSTER NODES on `port` sees them. */
export async function clusterNodes(port) {
  const text = await cli(['-h', HOST, '-p', String(port), 'cluster', 'nodes']);
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId] = line.split(' ');
      return { id, port: Number(address.split('@')[0].split(':')[1]), master: flags.includes('master'), failed: flags.includes('fail'), masterId: masterId === '-' ? undefined : masterId };
    });
}

/**
 * A cluster of its own for a test: started in `dir` on `firstPort`…, formed, and stopped (data
 * removed) by `stop()`. `kill(port)` is kill -9 of one node, `freeze`/`thaw` stop and continue it. Nodes a dead earlier run left in
 * `dir` are stopped first.
 */
export async function startRedisCluster({ firstPort, dir, masters = 3, nodeTimeoutMs = 2_000, log = () => {} }) {
  const ports = clusterPorts(firstPort, masters);
  await stopRedisClusterNodes({ firstPort, dir, masters });
  const busy = await busyPorts(HOST, ports.flatMap((p) => [p, p + BUS_PORT_OFFSET]));
  if (busy.length > 0) throw new InfraError(`Redis Cluster: ports ${busy.join(', ')} are taken`);
  fs.rmSync(dir, { recursive: true, force: true });
  const pids = new Map();
  const start = async (port) => {
    const pid = await startNode(port, path.join(dir, String(port)), path.join(dir, `${port}.log`), path.join(dir, `${port}.pid`), { nodeTimeoutMs });
    pids.set(port, pid);
    await waitFor(() => redisPing(HOST, port), { timeoutMs: 15_000, pid, what: `redis node ${port}` });
  };
  await Promise.all(ports.map(start));
  await formRedisCluster(ports, { log });
  return {
    ports,
    nodes: ports.map((port) => ({ host: HOST, port })),
    kill: (port) => process.kill(pids.get(port), 'SIGKILL'),
    /** Freezes a node (SIGSTOP) until `thaw`: its connections stay open, it answers nothing. */
    freeze: (port) => process.kill(pids.get(port), 'SIGSTOP'),
    thaw: (port) => process.kill(pids.get(port), 'SIGCONT'),
    restart: start,
    /** Starts again every node that does not answer (on its data), then waits until the cluster agrees. */
    async heal() {
      for (const port of ports) if (!(await redisPing(HOST, port))) await start(port);
      await waitFor(() => clusterHealthy(ports), { timeoutMs: 60_000, what: 'the Redis Cluster' });
    },
    async stop() {
      await Promise.all([...pids.values()].map((pid) => stopPid(pid, { timeoutMs: 5_000 }).catch(() => undefined)));
      await sleep(50);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops the nodes an earlier run left in `dir` (by their pid files), so their ports are free again. */
export async function stopRedisClusterNodes({ firstPort, dir, masters = 3 }) {
  for (const port of clusterPorts(firstPort, masters)) {
    const stale = ownedPid(path.join(dir, `${port}.pid`), ['redis-server', `:${port}`]);
    if (stale) await stopPid(stale, { timeoutMs: 5_000 });
  }
}
