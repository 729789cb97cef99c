/** The pipeline's infrastructure as clusters (cluster-infra.mjs): three Kafka brokers, the registry, a Redis Cluster. */
export class ClusterInfrastructure {
  constructor(options: { stateDir: string; kafkaPort?: number; registryPort?: number; redisPort?: number; log?: (msg: string) => void });
  readonly kafkaBrokers: string;
  readonly schemaRegistryUrl: string;
  readonly redisUrl: string;
  readonly replicationFactor: number;
  /** Starts what is not running. */
  up(): Promise<void>;
  /** Stops anything left from an earlier run and wipes its data. */
  fresh(): Promise<void>;
  down(): Promise<void>;
}
