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
