// Types for the TypeScript specs that start a Redis Cluster of their own (redis-cluster.mjs).
export interface RedisClusterNode {
  id: string;
  port: number;
  master: boolean;
  failed: boolean;
  masterId?: string;
}

export interface StartedRedisCluster {
  ports: number[];
  nodes: { host: string; port: number }[];
  /** kill -9 of one node. */
  kill(port: number): void;
  /** Freezes one node (SIGSTOP): its connections stay open, it answers nothing until `thaw`. */
  freeze(port: number): void;
  /** Continues a frozen node (SIGCONT). */
  thaw(port: number): void;
  /** Starts a stopped node again on its data (it rejoins the cluster). */
  restart(port: number): Promise<void>;
  /** Starts again every node that does not answer, then waits until the cluster agrees. */
  heal(): Promise<void>;
  /** Stops every node and removes their data. */
  stop(): Promise<void>;
}

export const BUS_PORT_OFFSET: number;
export function clusterPorts(firstPort: number, masters?: number, replicas?: number): number[];
export function clusterHealthy(ports: number[]): Promise<boolean>;
export function clusterNodes(port: number): Promise<RedisClusterNode[]>;
export function formRedisCluster(ports: number[], options?: { log?: (message: string) => void; replicas?: number; timeoutMs?: number }): Promise<void>;
export function stopRedisClusterNodes(options: { firstPort: number; dir: string; masters?: number }): Promise<void>;
export function startRedisCluster(options: { firstPort: number; dir: string; masters?: number; nodeTimeoutMs?: number; log?: (message: string) => void }): Promise<StartedRedisCluster>;
