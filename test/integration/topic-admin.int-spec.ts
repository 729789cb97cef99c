import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import { allTopics, Topics } from '@cuewire/contracts';
import { ensureTopics, physicalTopic } from '@cuewire/kafka';
import { testKafkaSettings } from '@cuewire/testing';

/** Services create their topics at start; several starting together must all succeed. */
describe('ensureTopics against the real broker', () => {
  const base = testKafkaSettings('cuewire-it');
  const admin = new Admin({ clientId: 'cuewire-it-topics', bootstrapBrokers: [...base.brokers] });
  const prefixes: string[] = [];

  afterAll(async () => {
    const names = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(p)));
    if (names.length > 0) await admin.deleteTopics({ topics: names });
    await admin.close();
  });

  it('lets many services create the same missing topics at once (a stack starting together)', async () => {
    for (let round = 0; round < 3; round++) {
      const topicPrefix = `it-topics-${randomUUID().slice(0, 8)}.`;
      prefixes.push(topicPrefix);
      const settings = { ...base, topicPrefix, partitions: 2 };
      await Promise.all(Array.from({ length: 6 }, () => ensureTopics(settings, allTopics)));
      const [described] = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: physicalTopic(settings, Topics.webhookConfig), configurationKeys: ['cleanup.policy'] }] });
      expect(described.configs.find((c) => c.name === 'cleanup.policy')?.value).toBe('compact');
      const metadata = await admin.metadata({ topics: allTopics.map((t) => physicalTopic(settings, t)) });
      expect(metadata.topics.size).toBe(allTopics.length);
      for (const topic of metadata.topics.values()) expect(topic.partitionsCount).toBe(2);
    }
  }, 120_000);
});
