import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import type { AvroSerde } from './avro-serde.js';
import { physicalTopic, type KafkaSettings } from './kafka-settings.js';
import { ProduceCoalescer } from './produce-coalescer.js';
import type { OutgoingRecord } from './records.js';

/**
 * Idempotent, acks=all producer of Avro records. `send` resolves only when every record is
 * acknowledged by the in-sync replicas, so callers may then commit or answer 202. Concurrent
 * callers share produce requests (group commit): the idempotent producer keeps one request in
 * flight, so one request per caller would serialize them on the broker round trip.
 */
export class TypedProducer {
  private readonly producer: Producer<string, Buffer, string, string>;
  private readonly coalescer = new ProduceCoalescer({ send: (records) => this.sendNow(records) });

  constructor(
    private readonly settings: KafkaSettings,
    private readonly serde: AvroSerde,
  ) {
    this.producer = new Producer({
      clientId: `${settings.clientId}-producer`,
      bootstrapBrokers: [...settings.brokers],
      idempotent: true,
      acks: ProduceAcks.ALL,
      // Java-client key hashing: records from direct producers (any client) and from us land on
      // the same partition for the same customer, which per-customer ordering relies on.
      partitioner: compatibilityPartitioner,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    });
  }

  send(records: readonly OutgoingRecord[]): Promise<void> {
    return this.coalescer.send(records);
  }

  private async sendNow(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const messages = await Promise.all(
      records.map(async (r) => {
        const topic = physicalTopic(this.settings, r.topic);
        return {
          topic,
          key: r.key,
          value: r.value === null ? (null as unknown as Buffer) : await this.serde.encode(topic, r.topic.schema, r.value),
          headers: r.headers ? new Map(Object.entries(r.headers)) : undefined,
        };
      }),
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
