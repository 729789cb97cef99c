import avro from 'avsc';
import { Topics, type CustomerEvent, type EnrichedEvent } from '@cuewire/contracts';
import { AvroSerde, ensureTopics, recordOutput, TypedProducer, type KafkaSettings } from '@cuewire/kafka';
import { isolatedRun, KafkaProbe, ServiceProcess, testKafkaSettings } from '@cuewire/testing';

/**
 * DESIGN.md: "Nothing accepted is lost … a crash replays, never drops." The segmenter is killed
 * with SIGKILL in the middle of a run and restarted; every event must come out enriched.
 */
describe('nothing accepted is lost', () => {
  const { env } = isolatedRun('crash');
  const settings: KafkaSettings = testKafkaSettings('crash-test', env.KAFKA_TOPIC_PREFIX);
  const total = 20_000;
  const enrichedTopic = env.KAFKA_TOPIC_PREFIX + Topics.enrichedEvents.name;
  // Values are decoded with the writer schema we know (skipping the 5-byte wire-format header).
  const enrichedType = avro.Type.forSchema(Topics.enrichedEvents.schema as avro.Schema);
  const eventIdOf = (value: Buffer) => (enrichedType.fromBuffer(value.subarray(5)) as EnrichedEvent).event.eventId;

  it('enriches every event when the segmenter is killed -9 mid-run and restarted', async () => {
    await ensureTopics(settings, [Topics.customerEvents, Topics.customerProfiles, Topics.enrichedEvents, Topics.deadLetters]);
    const producer = new TypedProducer(settings, new AvroSerde(settings.schemaRegistryUrl));
    const events: CustomerEvent[] = Array.from({ length: total }, (_, i) => ({
      eventId: `e-${i}`,
      customerId: `c-${i % 200}`,
      type: 'page_view',
      occurredAt: 1_795_000_000_000 + i,
      receivedAt: 1_795_000_000_000 + i,
      source: 'kafka',
      properties: JSON.stringify({ i }),
    }));
    for (let i = 0; i < total; i += 2_000) await producer.send(events.slice(i, i + 2_000).map((e) => recordOutput(Topics.customerEvents, e.customerId, e)));
    await producer.close();

    const probe = new KafkaProbe([...settings.brokers]);
    try {
      const first = await ServiceProcess.start('segmenter', env);
      const beforeKill = await probe.readUntil(enrichedTopic, (rs) => rs.length >= total / 4, 90_000);
      await first.kill();
      expect(beforeKill.length).toBeLessThan(total); // the kill really was mid-run

      const second = await ServiceProcess.start('segmenter', env);
      const seen = new Set<string>();
      let decoded = 0;
      const all = await probe.readUntil(
        enrichedTopic,
        (rs) => {
          for (; decoded < rs.length; decoded++) seen.add(eventIdOf(rs[decoded].value));
          return seen.size >= total;
        },
        120_000,
      );
      await second.stop();

      expect(seen.size).toBe(total);
      expect(events.every((e) => seen.has(e.eventId))).toBe(true);
      // Replays are allowed (at-least-once), but only of what was in flight at the kill.
      expect(all.length - total).toBeLessThan(total / 2);
    } finally {
      await probe.close();
    }
  });
});
