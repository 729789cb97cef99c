import { randomUUID } from 'node:crypto';
import type { TopicContract } from '@cuewire/contracts';
import type { ConsumeLoopLogger, KafkaSettings } from '@cuewire/kafka';

/** Settings for the infrastructure the global setup started (or the one named by env). */
export function testKafkaSettings(): KafkaSettings {
  return {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
    clientId: 'cuewire-it',
    schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:18081/apis/ccompat/v7',
    partitions: 3,
    replicationFactor: 1,
    topicPrefix: '',
  };
}

/** A fresh topic with a real contract's schema, so tests never see each other's records. */
export function scratchTopic<T>(contract: TopicContract<T>, label: string): TopicContract<T> {
  return { ...contract, name: `it.${label}.${randomUUID().slice(0, 8)}` };
}

export const quietLogger: ConsumeLoopLogger & { warnings: object[]; errors: object[] } = {
  warnings: [],
  errors: [],
  info: () => undefined,
  warn(obj) {
    this.warnings.push(obj);
  },
  error(obj) {
    this.errors.push(obj);
  },
};
