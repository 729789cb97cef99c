import { randomUUID } from 'node:crypto';

/**
 * Settings that give a test run its own topics, schema subjects, consumer groups and Redis
 * keys on shared infrastructure, so earlier runs' records and config stay invisible.
 */
export function isolatedRun(label: string, extra: Record<string, string> = {}): { id: string; env: Record<string, string> } {
  const id = randomUUID().slice(0, 8);
  return {
    id,
    env: {
      KAFKA_TOPIC_PREFIX: `${label}-${id}.`,
      KAFKA_TOPIC_PARTITIONS: '3',
      KAFKA_GROUP_PREFIX: `${label}-${id}`,
      REDIS_KEY_PREFIX: `${label}-${id}:`,
      ...extra,
    },
  };
}
