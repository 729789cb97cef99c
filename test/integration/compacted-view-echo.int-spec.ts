import { setTimeout as sleep } from 'node:timers/promises';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { AvroSerde, CompactedTopicView, ensureTopics, recordOutput, TypedProducer } from '@cuewire/kafka';
import { testKafkaSettings, waitFor } from '@cuewire/testing';
import { quietLogger, scratchTopic } from './kafka-env.js';

const settings = testKafkaSettings('cuewire-it');

/**
 * The control plane reads its own writes from its view at once; the records read back from the
 * topic later must not take the view back in time (an ETag/If-Match check would then accept a
 * stale tag), and writes by other processes must still show up.
 */
describe('compacted topic view: own writes and their echoes', () => {
  const topic = scratchTopic(Topics.webhookConfig, 'view-echo');
  const serde = new AvroSerde(settings.schemaRegistryUrl);
  const producer = new TypedProducer(settings, serde);
  const view = new CompactedTopicView(topic, settings, serde, quietLogger);
  const record = (revision: number): ConfigRecord => ({ kind: 'webhook', id: 'w1', revision, updatedAt: 1_795_000_000_000 + revision, body: JSON.stringify({ revision }) });
  // As the control plane writes: expect the read-back first, produce, then wait for it.
  const write = async (revision: number) => {
    const echo = view.echoOf('w1', record(revision));
    await producer.send([recordOutput(topic, 'w1', record(revision))]);
    await echo.arrived;
  };

  beforeAll(async () => {
    await ensureTopics(settings, [topic]);
    await view.start();
    await view.ready;
  }, 60_000);
  afterAll(async () => {
    await view.stop();
    await producer.close();
  });

  it('resolves a write once it is read back, after which the view never shows an older revision', async () => {
    for (let revision = 1; revision <= 5; revision++) {
      await write(revision);
      expect(view.get('w1')!.revision).toBe(revision);
    }
    const seen: number[] = [];
    for (let i = 0; i < 40; i++) {
      seen.push(view.get('w1')!.revision);
      await sleep(10);
    }
    expect(seen.every((r) => r === 5)).toBe(true);
  });

  it('shows writes made by other processes', async () => {
    await producer.send([recordOutput(topic, 'w1', record(6))]);
    await waitFor('the foreign write in the view', () => view.get('w1')?.revision === 6, 10_000);
    await producer.send([recordOutput(topic, 'w1', null)]);
    await waitFor('the foreign delete in the view', () => view.get('w1') === undefined, 10_000);
  });
});
