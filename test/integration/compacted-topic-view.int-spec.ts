import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { AvroSerde, CompactedTopicView, ensureTopics, recordOutput, TypedProducer } from '@cuewire/kafka';
import { testKafkaSettings, waitFor } from '@cuewire/testing';
import { quietLogger, scratchTopic } from './kafka-env.js';

const settings = testKafkaSettings('cuewire-it');
const serde = new AvroSerde(settings.schemaRegistryUrl);
const key = (id: string): ConfigRecord => ({ kind: 'api-key', id, revision: 1, updatedAt: Date.now(), body: '{}' });

describe('compacted topic view (config followed live)', () => {
  it('replaces a failed stream, resumes after the last record applied, and reports it meanwhile', async () => {
    const topic = scratchTopic(Topics.apiKeyConfig, 'view');
    await ensureTopics(settings, [topic]);
    const producer = new TypedProducer(settings, serde);
    await producer.send([recordOutput(topic, 'k1', key('k1')), recordOutput(topic, 'k2', key('k2'))]);
    const view = new CompactedTopicView(topic, settings, serde, quietLogger);
    const changes: string[] = [];
    view.on('change', (id, value) => changes.push(`${id}:${value ? 'set' : 'deleted'}`));
    try {
      await view.start();
      await view.ready;
      expect(view.isFollowing).toBe(true);
      expect(view.get('k1')).toBeDefined();

      // The stream fails as it does when its broker connection is lost for good.
      (view as unknown as { stream: { destroy(error: Error): void } }).stream.destroy(new Error('broker connection lost'));
      await waitFor('readiness to see the view reconnecting', () => !view.isFollowing, 5_000, 5);
      await waitFor('the view following again', () => view.isFollowing, 30_000);

      // A revocation written after the failure reaches this replica, and nothing is applied twice.
      await producer.send([recordOutput(topic, 'k1', null)]);
      await waitFor('the revocation applied', () => view.get('k1') === undefined, 30_000);
      expect(view.get('k2')).toBeDefined();
      expect([...changes.slice(0, 2)].sort()).toEqual(['k1:set', 'k2:set']); // two partitions: either order
      expect(changes.slice(2)).toEqual(['k1:deleted']);
    } finally {
      await view.stop();
      await producer.close();
    }
  });
});
