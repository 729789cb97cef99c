import { Admin } from '@platformatic/kafka';
import type { TopicContract } from '@cuewire/contracts';
import { physicalTopic, type KafkaSettings } from './kafka-settings.js';

/**
 * Creates the topics a service uses when they are missing (services own their topics;
 * brokers run with auto-creation off). Existing topics are left as they are.
 */
export async function ensureTopics(settings: KafkaSettings, contracts: readonly TopicContract<unknown>[]): Promise<void> {
  const admin = new Admin({ clientId: `${settings.clientId}-admin`, bootstrapBrokers: [...settings.brokers] });
  try {
    const existing = new Set(await admin.listTopics());
    for (const contract of contracts) {
      const name = physicalTopic(settings, contract);
      if (existing.has(name)) continue;
      try {
        await admin.createTopics({
          topics: [name],
          partitions: settings.partitions,
          replicas: settings.replicationFactor,
          configs: [
            ...(contract.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
            ...Object.entries(contract.configs ?? {}).map(([name, value]) => ({ name, value })),
          ],
        });
      } catch (error) {
        // Another replica (or service) created it between our list and create: the broker says
        // so (TOPIC_ALREADY_EXISTS) before its metadata may list it.
        if (!alreadyExists(error) && !(await admin.listTopics()).includes(name)) throw error;
      }
    }
  } finally {
    await admin.close();
  }
}

const TOPIC_ALREADY_EXISTS = 36;

/** True when the error is the broker's TOPIC_ALREADY_EXISTS, or aggregates only such errors (at any depth). */
export function alreadyExists(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { apiCode?: number; errors?: unknown };
  if (e.apiCode === TOPIC_ALREADY_EXISTS) return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((inner) => alreadyExists(inner, depth + 1));
}
