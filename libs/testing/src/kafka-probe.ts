import { randomUUID } from 'node:crypto';
import { compatibilityPartitioner, Consumer, MessagesStreamModes, Producer, stringDeserializer, stringSerializer } from '@platformatic/kafka';

/** Raw Kafka access for tests: write arbitrary bytes, read back what services wrote. */
export class KafkaProbe {
  private readonly producer: Producer<string, Buffer, string, string>;

  constructor(private readonly brokers: string[]) {
    this.producer = new Producer({ clientId: 'test-probe', bootstrapBrokers: brokers, partitioner: compatibilityPartitioner, serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer } });
  }

  async produceRaw(topic: string, key: string, value: Buffer): Promise<void> {
    await this.producer.send({ messages: [{ topic, key, value }] });
  }

  /** Reads a topic from the beginning until `until` holds for the records read so far. */
  async readUntil(topic: string, until: (records: { key: string; value: Buffer }[]) => boolean, timeoutMs = 30_000): Promise<{ key: string; value: Buffer }[]> {
    const consumer = new Consumer({
      clientId: 'test-probe-reader',
      groupId: `test-probe-${randomUUID()}`,
      bootstrapBrokers: this.brokers,
      deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
      autocommit: false,
      maxWaitTime: 100,
    });
    const records: { key: string; value: Buffer }[] = [];
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out reading ${topic} (${records.length} records read)`)), timeoutMs);
        stream.on('data', (m) => {
          records.push({ key: m.key, value: m.value as Buffer });
          if (until(records)) {
            clearTimeout(timer);
            resolve();
          }
        });
        stream.on('error', reject);
      });
    } finally {
      await stream.close().catch(() => undefined);
      await consumer.close(true).catch(() => undefined);
    }
    return records;
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
