import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import { APP_CONFIG, DURABLE_STATE, ReadinessRegistry, type BaseEnv, type DurableState } from '@cuewire/platform';
import { redisEndpointOf } from './redis-endpoint.js';

/** Longest a commit waits for a replica to acknowledge; past it the commit is skipped and offered again. */
const REPLICA_WAIT_MS = 500;
/** How long a master's count of connected replicas is trusted before it is asked again. */
const REPLICA_COUNT_TTL_MS = 2_000;

/**
 * The process's Redis connection, to one server or to a Redis Cluster (REDIS_CLUSTER_NODES or a
 * `redis+cluster://` REDIS_URL); every key gets the install's REDIS_KEY_PREFIX. Commands that
 * name several keys must keep them on one slot (RedisKeys' hash tags); reading many unrelated
 * keys goes through `getMany`, walking the key space through `scanKeys`.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown, DurableState {
  readonly client: Redis | Cluster;
  /** The replication round in flight, and the one after it that callers arriving meanwhile share. */
  private round?: Promise<void>;
  private nextRound?: Promise<void>;
  private readonly replicaCounts = new Map<Redis, { count: number; at: number }>();
  /** The master connections the last replication round asked, and those ready as masters since. */
  private masters = new Set<Redis>();
  private lossCount = 0;
  /** Losses count from the client's start (its connections to seed nodes come and go before) to its shutdown. */
  private counting = false;
  private readonly logger = new Logger('RedisConnection');

  constructor(@Inject(APP_CONFIG) config: BaseEnv, private readonly readiness: ReadinessRegistry) {
    const endpoint = redisEndpointOf(config);
    // Auto-pipelining: commands issued in one event-loop tick leave in one write (per node on a Cluster).
    const common = { keyPrefix: config.REDIS_KEY_PREFIX, lazyConnect: true, enableAutoPipelining: true };
    if (endpoint.kind === 'standalone') {
      this.client = new Redis(endpoint.url, { ...common, maxRetriesPerRequest: 3 });
      return;
    }
    const { nodes, username, password, tls } = endpoint;
    this.client = new Cluster([...nodes], {
      ...common,
      // The prefix stays on the Cluster (applied once); node connections carry none, so a per-node SCAN sees raw keys.
      redisOptions: { username, password, maxRetriesPerRequest: 3, ...(tls ? { tls: {} } : {}) },
      // While a master fails over, commands wait and follow the new slot owner rather than fail at once.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 300,
      retryDelayOnTryAgain: 200,
      maxRedirections: 32,
      slotsRefreshInterval: 2_000,
      clusterRetryStrategy: (times) => Math.min(200 * times, 2_000),
    });
    // A master's connection ends when it is killed or leaves the topology (node connections do
    // not reconnect): what was written through it and not yet confirmed may be gone. One that
    // never connected carried nothing (the client tries a dead master again until it fails over).
    // A connection ready as a master joins the masters a round checks, at once: one demoted
    // before the next round (an old master restarted on its AOF serves its slots until it
    // learns of the failover) is caught as well.
    const connected = new WeakSet<Redis>();
    this.client.on('+node', (node: Redis) =>
      node.once('ready', () => {
        connected.add(node);
        if (!node.options.readOnly) this.masters.add(node);
      }),
    );
    this.client.on('-node', (node: Redis) => {
      const wasMaster = this.masters.delete(node) || !node.options.readOnly;
      if (wasMaster && connected.has(node)) this.possiblyLost(node, 'its connection ended');
    });
  }

  get isCluster(): boolean {
    return this.cluster !== undefined;
  }

  /** The client as a cluster client, when it is one. */
  private get cluster(): Cluster | undefined {
    return this.client instanceof Cluster ? this.client : undefined;
  }

  /**
   * Resolves once every write this process made before the call is on a replica of its master.
   * Replication is asynchronous: a master killed -9 after acknowledging a write, before its
   * replica had it, fails over to a replica without it. The consume loops call this before
   * committing offsets, so state whose record is committed survives a failover (issue #13:
   * not-followed-by firings lost or wrong across a master failover). One `WAIT 1` per master per
   * round (WAIT covers everything written before it on the connection, and the cluster client
   * writes through one connection per node); concurrent callers share rounds. A master with no
   * replica connected has nothing to fail over to and is not waited for. A single server: nothing
   * to wait for (its AOF is written before a reply, and survives the process being killed).
   *
   * A round asks the masters of the moment: writes acknowledged by a master whose connection has
   * ended since, or that has become a replica, are not covered by it (the promoted replica has
   * no replica to wait for yet, and never had them). `losses` counts those moments, and a
   * consume loop that sees it move processes again from its committed offsets (ADR 0029).
   */
  replicated(): Promise<void> {
    const { cluster } = this;
    if (!cluster) return Promise.resolve();
    if (!this.round) {
      this.round = this.waitForReplicas(cluster).finally(() => (this.round = undefined));
      return this.round;
    }
    // Writes made after the round in flight started are not covered by it: the next round is.
    this.nextRound ??= this.round
      .catch(() => undefined)
      .then(() => {
        this.nextRound = undefined;
        return this.replicated();
      });
    return this.nextRound;
  }

  get losses(): number {
    return this.lossCount;
  }

  private async waitForReplicas(cluster: Cluster): Promise<void> {
    const masters = cluster.nodes('master');
    // A master of the last round that is a replica now (failed over while still connected):
    // WAIT on the new master does not cover what was written to it.
    for (const node of this.masters) if (!masters.includes(node)) this.possiblyLost(node, 'it is no longer a master');
    this.masters = new Set(masters);
    await Promise.all(
      masters.map(async (node) => {
        if ((await this.replicasOf(node)) === 0) return;
        const acknowledged = Number(await node.call('WAIT', 1, REPLICA_WAIT_MS));
        if (acknowledged >= 1) return;
        this.replicaCounts.delete(node); // ask again next time: it may have lost its replica
        throw new Error(`no replica of the Redis master ${node.options.host}:${node.options.port} acknowledged the writes within ${REPLICA_WAIT_MS} ms`);
      }),
    );
  }

  /** Counts a moment writes may have been lost (`losses`), once per master connection. */
  private possiblyLost(node: Redis, why: string): void {
    this.masters.delete(node);
    this.replicaCounts.delete(node);
    if (!this.counting) return;
    this.lossCount++;
    this.logger.warn({ master: `${node.options.host}:${node.options.port}`, losses: this.lossCount }, `a Redis master's unconfirmed writes may be lost (${why}): consumers process again from their committed offsets`);
  }

  /** Replicas connected to a master (ROLE), remembered for a moment. */
  private async replicasOf(node: Redis): Promise<number> {
    const known = this.replicaCounts.get(node);
    if (known && Date.now() - known.at < REPLICA_COUNT_TTL_MS) return known.count;
    const role = (await node.call('ROLE')) as [string, unknown, unknown[]?];
    const count = role[0] === 'master' ? (role[2]?.length ?? 0) : 0;
    this.replicaCounts.set(node, { count, at: Date.now() });
    return count;
  }

  async onModuleInit(): Promise<void> {
    const { cluster } = this;
    if (cluster) {
      await clusterReady(cluster);
      this.masters = new Set(cluster.nodes('master'));
      this.counting = true;
    } else await this.client.connect();
    this.readiness.add({ name: 'redis', check: async () => void (await this.client.ping()) });
  }

  /**
   * Defines Lua scripts whose callers batch their calls themselves (a call carries what one turn of
   * the event loop asked for, as auto-pipelining would have gathered it), taking the number of
   * keys as their first argument; sends EVALSHA, falling back to EVAL once per connection. Their
   * calls skip auto-pipelining: a call made where the turn ends would otherwise wait for the
   * next turn's flush. Returns the client, which now has the scripts as commands.
   */
  defineBatchedScripts(scripts: Readonly<Record<string, string>>): Redis | Cluster {
    const client = this.client;
    for (const [name, lua] of Object.entries(scripts)) {
      if (name in client) continue;
      client.defineCommand(name, { lua });
      // A new array: ioredis shares its default one between clients.
      client.options.autoPipeliningIgnoredCommands = [...(client.options.autoPipeliningIgnoredCommands ?? []), name];
    }
    return client;
  }

  /**
   * Runs `send`, whose commands leave in one socket write on a single server (the connection is
   * corked meanwhile): for commands that skip auto-pipelining, such as batched scripts. On a
   * Cluster they leave as they are sent.
   */
  writeTogether(send: () => void): void {
    const stream = this.client instanceof Redis ? this.client.stream : undefined;
    stream?.cork();
    try {
      send();
    } finally {
      stream?.uncork();
    }
  }

  /** Values of keys that may live on different slots: one MGET on a single server, one GET per key (auto-pipelined per node) on a Cluster. */
  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    if (!this.isCluster) return this.client.mget(...keys);
    return Promise.all(keys.map((key) => this.client.get(key)));
  }

  /**
   * Every key matching `pattern` (given without the prefix), a SCAN page at a time, without the
   * prefix; on a Cluster each master is scanned in turn. SCAN's guarantees hold: a key written
   * meanwhile may be missed or seen twice.
   */
  async *scanKeys(pattern: string, count: number): AsyncGenerator<string[]> {
    const prefix = this.client.options.keyPrefix ?? '';
    const nodes: Redis[] = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    for (const node of nodes) {
      // SCAN's MATCH is not prefixed by ioredis, and the keys it returns carry the prefix.
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', prefix + pattern, 'COUNT', count);
        cursor = next;
        if (keys.length > 0) yield keys.map((k) => k.slice(prefix.length));
      } while (cursor !== '0');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.counting = false;
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/**
 * Connects a Cluster client and resolves once it is ready. Not `await connect()` alone: when its
 * first ready check finds the cluster failing over (`cluster_state:fail`), ioredis reconnects
 * on its own but the promise `connect()` returned never settles, so a replica started during a
 * master's failover hung in its start with nothing in its log (issue #13's cluster run). A
 * failure `connect()` does report (no startup node answers) still fails the start.
 */
export function clusterReady(cluster: Cluster): Promise<void> {
  const ready = new Promise<void>((resolve) => cluster.once('ready', () => resolve()));
  return Promise.race([ready, cluster.connect()]);
}

@Global()
@Module({
  providers: [RedisConnection, { provide: DURABLE_STATE, useExisting: RedisConnection }],
  exports: [RedisConnection, DURABLE_STATE],
})
export class RedisModule {}
