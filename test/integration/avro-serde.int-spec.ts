import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { AvroSerde, UndecodableRecordError } from '@cuewire/kafka';
import { scratchTopic } from './kafka-env.js';
import { testKafkaSettings } from '@cuewire/testing';

const event: CustomerEvent = {
  eventId: 'e-1',
  customerId: 'c-1',
  type: 'purchase',
  occurredAt: 1_795_000_000_000,
  receivedAt: 1_795_000_000_100,
  source: 'api',
  properties: JSON.stringify({ total: 129.5, items: [{ sku: 'PLATE', qty: 2 }] }),
};

describe('Avro serde against the real schema registry (Apicurio, Confluent API)', () => {
  const settings = testKafkaSettings('cuewire-it');
  const serde = new AvroSerde(settings.schemaRegistryUrl);

  it('registers under <topic>-value, returns the same id again, and exposes it as the latest version', async () => {
    const topic = scratchTopic(Topics.customerEvents, 'serde');
    const id = await serde.schemaId(topic.name, topic.schema);
    expect(await new AvroSerde(settings.schemaRegistryUrl).schemaId(topic.name, topic.schema)).toBe(id);
    const latest = await (await fetch(`${settings.schemaRegistryUrl}/subjects/${topic.name}-value/versions/latest`)).json();
    expect(latest).toMatchObject({ subject: `${topic.name}-value`, id, version: 1 });
    const config = (await (await fetch(`${settings.schemaRegistryUrl}/config/${topic.name}-value`)).json()) as { compatibilityLevel: string };
    expect(config.compatibilityLevel).toBe('BACKWARD');
  });

  it('lets many processes register the same new subject at once (replicas starting together)', async () => {
    for (let round = 0; round < 5; round++) {
      const topic = scratchTopic(Topics.customerEvents, 'serde-race');
      const ids = await Promise.all(Array.from({ length: 8 }, () => new AvroSerde(settings.schemaRegistryUrl).schemaId(topic.name, topic.schema)));
      expect(new Set(ids).size).toBe(1);
    }
  });

  it('writes the Confluent wire format and reads it back', async () => {
    const topic = scratchTopic(Topics.customerEvents, 'serde');
    const bytes = await serde.encode(topic.name, topic.schema, event);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(await serde.schemaId(topic.name, topic.schema));
    expect(await new AvroSerde(settings.schemaRegistryUrl).decode(bytes)).toEqual(event);
  });

  it('refuses bytes that are not a registered Avro value', async () => {
    await expect(serde.decode(Buffer.from('{"json":"not avro"}'))).rejects.toBeInstanceOf(UndecodableRecordError);
    await expect(serde.decode(Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1, 2]))).rejects.toBeInstanceOf(UndecodableRecordError);
  });

  it('rejects a value that does not match the schema instead of writing it', async () => {
    const topic = scratchTopic(Topics.customerEvents, 'serde');
    await expect(serde.encode(topic.name, topic.schema, { ...event, occurredAt: 'yesterday' } as unknown as CustomerEvent)).rejects.toThrow();
  });
});
