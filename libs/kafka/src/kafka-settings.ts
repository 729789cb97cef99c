/** How to reach Kafka and the schema registry; built once from the validated environment. */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly schemaRegistryUrl: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}
