import type { KafkaSettings } from '@cuewire/kafka';

// The Jest global setup exports these for the servers it started (or was pointed at); the
// fallbacks are the infra tool's test-profile ports, for running a spec file on its own.
export const testBrokers = (): string[] => (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
export const testRegistryUrl = (): string => process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:18081/apis/ccompat/v7';
export const testRedisUrl = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';

/** Kafka settings for a test's own producers and readers, on the test servers. */
export function testKafkaSettings(clientId: string, topicPrefix = ''): KafkaSettings {
  return { brokers: testBrokers(), clientId, schemaRegistryUrl: testRegistryUrl(), partitions: 3, replicationFactor: 1, topicPrefix };
}
