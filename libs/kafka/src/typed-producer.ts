import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import type { AvroSerde } from './avro-serde.js';
import { physicalTopic, type KafkaSettings } from './kafka-settings.js';
import { withTraceContext } from './kafka.tracing.js';
import { ProduceCoalescer } from './produce-coalescer.js';
import type { OutgoingRecord } from './records.js';

/** Kafka's own default for a record batch is 1,048,588 bytes (message.max.bytes); this leaves room for framing. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_000_000;
/** A record batch's header (61 bytes) plus a record's own framing (varints, attributes), rounded up. */
const RECORD_OVERHEAD_BYTES = 96;
/**
 * Attempts of one produce request (a second apart) before its send fails to the caller, who
 * retries it (consume loops, the dispatcher's durable writes) or answers 503 (ingest). The
 * client's idempotent default is to retry forever, and with @platformatic/kafka 2.12.1 that
 * can be for good: after a broker comes or goes, a partition's former leader answers
 * NOT_LEADER_OR_FOLLOWER, the client's one metadata refresh can still name it (the broker
 * answering has not heard of the move yet), and the retries after that never refresh again.
 * Seen on three brokers: a send pending for minutes, and with it every send of the process
 * (docs/reliability.md, "a producer retried forever against a partition's former leader").
 */
export const PRODUCE_ATTEMPTS = 10;

type EncodedMessage = { topic: string; key: string; value: Buffer; headers?: Map<string, string> };

/**
 * A record larger than the broker accepts (settings.maxMessageBytes, KAFKA_MAX_MESSAGE_BYTES).
 * Thrown by `send` before the record joins a shared produce request, so it fails its own
 * caller only; `index` is its position in that caller's records.
 */
export class RecordTooLargeError extends Error {
  override readonly name = 'RecordTooLargeError';
  constructor(
    readonly index: number,
    readonly topic: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`record ${index} for ${topic} is ${bytes} bytes encoded; at most ${maxBytes} fit in a Kafka message (KAFKA_MAX_MESSAGE_BYTES)`);
  }
}

/**
 * Idempotent, acks=all producer of Avro records. `send` resolves only when every record is
 * acknowledged by the in-sync replicas, so callers may then commit or answer 202. Concurrent
 * callers share produce requests (group commit): the idempotent producer keeps one request in
 * flight, so one request per caller would serialize them on the broker round trip.
 */
export class TypedProducer {
  private readonly producer: Producer<string, Buffer, string, string>;
  private readonly coalescer = new ProduceCoalescer<EncodedMessage>({ send: (messages) => this.sendNow(messages) });
  readonly maxMessageBytes: number;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly serde: AvroSerde,
  ) {
    this.maxMessageBytes = settings.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.producer = new Producer({
      clientId: `${settings.clientId}-producer`,
      bootstrapBrokers: [...settings.brokers],
      idempotent: true,
      acks: ProduceAcks.ALL,
      retries: PRODUCE_ATTEMPTS,
      retryDelay: 1_000,
      // Java-client key hashing: records from direct producers (any client) and from us land on
      // the same partition for the same customer, which per-customer ordering relies on.
      partitioner: compatibilityPartitioner,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    });
  }

  /**
   * Encodes and size-checks the caller's records first (a record that cannot be encoded or is
   * too large fails this caller alone), then sends them with any concurrent callers' records.
   */
  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.coalescer.send(await Promise.all(records.map((r, i) => this.encode(r, i))));
  }

  private async encode(r: OutgoingRecord, index: number): Promise<EncodedMessage> {
    const topic = physicalTopic(this.settings, r.topic);
    const value = r.value === null ? (null as unknown as Buffer) : await this.serde.encode(topic, r.topic.schema, r.value);
    const message = { topic, key: r.key, value, headers: withTraceContext(r.headers) };
    const bytes = messageBytes(message);
    if (bytes > this.maxMessageBytes) throw new RecordTooLargeError(index, r.topic.name, bytes, this.maxMessageBytes);
    return message;
  }

  /**
   * The broker bounds each partition's batch by message.max.bytes, and callers' records are
   * grouped here, so a shared send goes out in slices of at most maxMessageBytes, in order.
   */
  private async sendNow(messages: readonly EncodedMessage[]): Promise<void> {
    let slice: EncodedMessage[] = [];
    let bytes = 0;
    for (const message of messages) {
      const size = messageBytes(message);
      if (slice.length > 0 && bytes + size > this.maxMessageBytes) {
        await this.sendSlice(slice);
        [slice, bytes] = [[], 0];
      }
      slice.push(message);
      bytes += size;
    }
    if (slice.length > 0) await this.sendSlice(slice);
  }

  /** A failed send forgets the cluster's metadata, so the caller's retry starts from leaders asked afresh. */
  private async sendSlice(messages: EncodedMessage[]): Promise<void> {
    try {
      await this.producer.send({ messages });
    } catch (error) {
      this.producer.clearMetadata();
      throw error;
    }
  }

  /** Writes already-encoded bytes (the dead-letter path keeps original bytes inside its record). */
  get raw(): Producer<string, Buffer, string, string> {
    return this.producer;
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

/** What a record costs in a produce request: framing, key, value and headers. */
function messageBytes({ key, value, headers }: EncodedMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(key) + (value?.length ?? 0);
  for (const [name, text] of headers ?? []) bytes += Buffer.byteLength(name) + Buffer.byteLength(text) + 10;
  return bytes;
}
