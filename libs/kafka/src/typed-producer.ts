import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import type { AvroSerde } from './avro-serde.js';
import { physicalTopic, type KafkaSettings } from './kafka-settings.js';
import { ProduceCoalescer } from './produce-coalescer.js';
import { RecordTooLargeError, type OutgoingRecord } from './records.js';

type EncodedMessage = { topic: string; key: string; value: Buffer; headers?: Map<string, string>; bytes: number };

/**
 * The largest record we hand to the broker. Kafka's default `message.max.bytes` is 1,048,588 for a
 * whole record batch; a margin leaves room for the batch and record headers.
 */
export const DEFAULT_MAX_RECORD_BYTES = 1_000_000;

/**
 * Idempotent, acks=all producer of Avro records. `send` resolves only when every record is
 * acknowledged by the in-sync replicas, so callers may then commit or answer 202. Concurrent
 * callers share produce requests (group commit): the idempotent producer keeps one request in
 * flight, so one request per caller would serialize them on the broker round trip.
 */
export class TypedProducer {
  private readonly producer: Producer<string, Buffer, string, string>;
  private readonly coalescer = new ProduceCoalescer<EncodedMessage>({ send: (messages) => this.sendNow(messages) }, 5_000, (m) => m.bytes);

  constructor(
    private readonly settings: KafkaSettings,
    private readonly serde: AvroSerde,
    private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
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

  /**
   * Resolves once every record is acknowledged. Records are encoded and weighed first, so a
   * record over the size limit fails this call alone (RecordTooLargeError, a content failure)
   * and never the produce request other callers' records share.
   */
  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const messages = await Promise.all(records.map((r) => this.encode(r)));
    const tooLarge = messages.find((m) => m.bytes > this.maxRecordBytes);
    if (tooLarge) throw new RecordTooLargeError(tooLarge.topic, tooLarge.bytes, this.maxRecordBytes);
    return this.coalescer.send(messages);
  }

  private async encode(r: OutgoingRecord): Promise<EncodedMessage> {
    const topic = physicalTopic(this.settings, r.topic);
    const value = r.value === null ? (null as unknown as Buffer) : await this.serde.encode(topic, r.topic.schema, r.value);
    let bytes = Buffer.byteLength(r.key) + (value?.length ?? 0);
    for (const [k, v] of Object.entries(r.headers ?? {})) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
    return { topic, key: r.key, value, headers: r.headers ? new Map(Object.entries(r.headers)) : undefined, bytes };
  }

  private async sendNow(messages: readonly EncodedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({ messages: messages.map(({ bytes: _bytes, ...message }) => message) });
  }

  /** Writes already-encoded bytes (the dead-letter path keeps original bytes inside its record). */
  get raw(): Producer<string, Buffer, string, string> {
    return this.producer;
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
