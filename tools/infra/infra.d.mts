// Types for the TypeScript specs that drive the infra tool (infra.mjs).
export interface InfraOptions {
  profile?: 'dev' | 'test' | 'cluster';
  kafkaPort?: number;
  controllerPort?: number;
  registryPort?: number;
  registryManagementPort?: number;
  redisPort?: number;
  cacheDir?: string;
  stateDir?: string;
  log?: (message: string) => void;
}

export interface InfraEnv {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  /** `redis+cluster://host:port,…` on the cluster profile. */
  redisUrl: string;
  databaseUrl: string;
  /** The cluster profile's: topics are created with it (KAFKA_REPLICATION_FACTOR). */
  replicationFactor?: number;
  /** Names of the components this call started. */
  started: string[];
}

export class InfraError extends Error {}
export function infraUp(options?: InfraOptions): Promise<InfraEnv>;
export function infraDown(options?: InfraOptions & { clean?: boolean }): Promise<void>;
