/** How to reach Kafka and the schema registry; built once from the validated environment. */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly schemaRegistryUrl: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /**
   * Prepended to every topic name (and so to every schema subject): several installs, or
   * test runs, can share one cluster without seeing each other's records. Usually empty.
   */
  readonly topicPrefix: string;
  /** Largest record the producer sends (the broker's message.max.bytes, less framing); default DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number;
}

/** The topic's name on the cluster. */
export function physicalTopic(settings: Pick<KafkaSettings, 'topicPrefix'>, contract: { readonly name: string }): string {
  return settings.topicPrefix + contract.name;
}

/** The Kafka part of a validated service environment. */
export interface KafkaEnv {
  readonly KAFKA_BROKERS: readonly string[];
  readonly KAFKA_CLIENT_ID: string;
  readonly SCHEMA_REGISTRY_URL: string;
  readonly KAFKA_TOPIC_PARTITIONS: number;
  readonly KAFKA_REPLICATION_FACTOR: number;
  readonly KAFKA_TOPIC_PREFIX: string;
}

export function kafkaSettingsOf(env: KafkaEnv, clientId = env.KAFKA_CLIENT_ID): KafkaSettings {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId,
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
    partitions: env.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
  };
}
