import { ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import type { AvroSerde } from './avro-serde.js';
import type { KafkaSettings } from './kafka-settings.js';
import type { OutgoingRecord } from './records.js';

/**
 * Idempotent, acks=all producer of Avro records. `send` resolves only when every record is
 * acknowledged by the in-sync replicas, so callers may then commit or answer 202.
 */
export class TypedProducer {
  private readonly producer: Producer<string, Buffer, string, string>;

  constructor(settings: KafkaSettings, private readonly serde: AvroSerde) {
    this.producer = new Producer({
      clientId: `${settings.clientId}-producer`,
      bootstrapBrokers: [...settings.brokers],
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    });
  }

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const messages = await Promise.all(
      records.map(async (r) => ({
        topic: r.topic.name,
        key: r.key,
        value: r.value === null ? (null as unknown as Buffer) : await this.serde.encode(r.topic, r.value),
        headers: r.headers ? new Map(Object.entries(r.headers)) : undefined,
      })),
    );
    await this.producer.send({ messages });
  }

  /** Writes already-encoded bytes (the dead-letter path keeps original bytes inside its record). */
  get raw(): Producer<string, Buffer, string, string> {
    return this.producer;
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
