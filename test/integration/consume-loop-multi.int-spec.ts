import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, ensureTopics, recordOutput, TypedProducer } from '@cuewire/kafka';
import { KafkaProbe, testKafkaSettings, waitFor } from '@cuewire/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { quietLogger, scratchTopic, purchaseEvent } from './kafka-env.js';

const settings = testKafkaSettings('cuewire-it');
const serde = new AvroSerde(settings.schemaRegistryUrl);
const event = (customerId: string, n: number): CustomerEvent => purchaseEvent(customerId, n);

describe('consume loop over several topics', () => {
  it('keeps receiving records that arrive later on each topic', async () => {
    const a = scratchTopic(Topics.customerEvents, 'multi-a');
    const b = scratchTopic(Topics.customerEvents, 'multi-b');
    await ensureTopics(settings, [a, b, Topics.deadLetters]);
    const producer = new TypedProducer(settings, serde);
    const seen: string[] = [];
    const loop = new ConsumeLoop({ groupId: `it-${a.name}`, topics: [a, b], handler: async (r) => void seen.push(`${r.topic.split('.')[1]}:${r.value!.eventId}`), settings, serde, producer, logger: quietLogger });
    await loop.start();
    await producer.send([recordOutput(a, 'k', event('k', 1))]);
    await waitFor('a1', () => seen.length >= 1);
    await sleep(1000);
    await producer.send([recordOutput(b, 'k', event('k', 2))]);
    await waitFor('b2', () => seen.length >= 2);
    await sleep(1000);
    const probe = new KafkaProbe([...settings.brokers]);
    await probe.produceRaw(a.name, 'k', Buffer.from('not avro'));
    await probe.close();
    await sleep(1000);
    await producer.send([recordOutput(a, 'k', event('k', 3))]);
    await waitFor('a3', () => seen.length >= 3, 15_000);
    await loop.stop();
    await producer.close();
    expect(seen).toEqual(['multi-a:k-1', 'multi-b:k-2', 'multi-a:k-3']);
  });
});
