import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde, ensureTopics, RecordTooLargeError, recordOutput, TypedProducer } from '@cuewire/kafka';
import { KafkaProbe, testKafkaSettings } from '@cuewire/testing';
import { scratchTopic, purchaseEvent } from './kafka-env.js';

const settings = testKafkaSettings('cuewire-it');

const event = (customerId: string, n: number, propertiesBytes = 10): CustomerEvent => purchaseEvent(customerId, n, JSON.stringify({ blob: 'x'.repeat(propertiesBytes) }));

/**
 * Concurrent callers share produce requests (group commit). A record too large for the broker
 * must fail its own caller only, and callers whose records add up past the broker's batch
 * bound must all be acknowledged.
 */
describe('typed producer: record sizes under group commit', () => {
  const topic = scratchTopic(Topics.customerEvents, 'sizes');
  const producer = new TypedProducer(settings, new AvroSerde(settings.schemaRegistryUrl));
  const probe = new KafkaProbe([...settings.brokers]);
  const send = (customerId: string, n: number, bytes?: number) => producer.send([recordOutput(topic, customerId, event(customerId, n, bytes))]);

  beforeAll(async () => {
    await ensureTopics(settings, [topic]);
    await send('warm-up', 0);
  }, 60_000);
  afterAll(async () => {
    await producer.close();
    await probe.close();
  });

  it('refuses an oversized record before it joins a shared request; the callers sent with it are acknowledged', async () => {
    const before = Array.from({ length: 20 }, (_, i) => send(`small-${i}`, i));
    const big = send('big', 0, 1_500_000);
    const after = Array.from({ length: 20 }, (_, i) => send(`small-${20 + i}`, 20 + i));
    const [bigOutcome, ...smallOutcomes] = await Promise.allSettled([big, ...before, ...after]);
    expect(bigOutcome.status).toBe('rejected');
    const error = (bigOutcome as PromiseRejectedResult).reason as RecordTooLargeError;
    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect(error.message).toMatch(/record 0 for .* is \d+ bytes encoded; at most 1000000 .*KAFKA_MAX_MESSAGE_BYTES/);
    expect(smallOutcomes.map((o) => o.status)).toEqual(Array(40).fill('fulfilled'));
  });

  it('acknowledges concurrent callers whose records together pass the broker batch bound (same partition)', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => send('one-customer', 100 + i, 300_000)));
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('fulfilled'));
    const records = await probe.readUntil(topic.name, (rs) => rs.filter((r) => r.key === 'one-customer').length >= 5);
    expect(records.filter((r) => r.key === 'one-customer')).toHaveLength(5);
  });
});
