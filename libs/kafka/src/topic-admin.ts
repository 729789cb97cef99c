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
          configs: contract.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        });
      } catch (error) {
        // Another replica may have created it between our list and create.
        if (!(await admin.listTopics()).includes(name)) throw error;
      }
    }
  } finally {
    await admin.close();
  }
}
