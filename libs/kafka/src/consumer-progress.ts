import { Admin, compatibilityPartitioner } from '@platformatic/kafka';
import type { KafkaSettings } from './kafka-settings.js';

/** ListOffsets' "latest" timestamp: the partition's end offset. */
const LATEST = -1n;

/**
 * The partition a record with this key is written to: the Java client's murmur2 hashing, the
 * partitioner TypedProducer uses, so a customer's records can be found without reading them.
 */
export function partitionForKey(key: string, partitions: number): number {
  return compatibilityPartitioner(undefined as never, Buffer.from(key)) % partitions;
}

/**
 * How far a consumer group has got through a topic, compared with when records were appended:
 * "has the group processed everything appended to this partition before time T?" is
 * `committed(group) >= offsetAt(T)`, with offsetAt(T) the offset of the first record stamped
 * at or after T (the end offset when there is none). Exact when the topic stamps records with
 * their append time (`message.timestamp.type=LogAppendTime`), so timestamps never go back.
 */
export class ConsumerProgress {
  private readonly admin: Admin;

  constructor(settings: Pick<KafkaSettings, 'brokers' | 'clientId'>) {
    this.admin = new Admin({ clientId: `${settings.clientId}-progress`, bootstrapBrokers: [...settings.brokers] });
  }

  async partitionCount(topic: string): Promise<number> {
    const metadata = await this.admin.metadata({ topics: [topic] });
    const described = metadata.topics.get(topic);
    if (!described) throw new Error(`topic ${topic} is unknown to the cluster`);
    return described.partitionsCount;
  }

  /**
   * Per partition and time asked: the offset of the first record appended at or after that time
   * (epoch ms), or the partition's end offset when every record is older.
   */
  async offsetsAt(topic: string, times: ReadonlyMap<number, readonly number[]>): Promise<Map<number, Map<number, bigint>>> {
    const partitions = [...times.keys()];
    // ListOffsets takes one timestamp per partition per request: the k-th request asks each partition's k-th time.
    const rounds = Math.max(0, ...[...times.values()].map((t) => t.length));
    const [ends, ...answers] = await Promise.all([
      this.endOffsets(topic, partitions),
      ...Array.from({ length: rounds }, (_, k) => this.listOffsets(topic, partitions.flatMap((p) => (k < times.get(p)!.length ? [[p, BigInt(times.get(p)![k])] as const] : [])))),
    ]);
    const result = new Map<number, Map<number, bigint>>(partitions.map((p) => [p, new Map()]));
    answers.forEach((answer, k) => {
      for (const [partition, offset] of answer) {
        const end = ends.get(partition)!;
        // No record at or after the time: the broker answers -1.
        result.get(partition)!.set(times.get(partition)![k], offset < 0n || offset > end ? end : offset);
      }
    });
    return result;
  }

  /** Each partition's end offset (the offset the next record appended will get). */
  async endOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
    return this.listOffsets(topic, partitions.map((p) => [p, LATEST]));
  }

  /** The group's committed offset per partition (0 where it has committed none: it has processed nothing). */
  async committed(groupId: string, topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
    const [group] = await this.admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [...partitions] }] }] });
    const found = new Map((group?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
    return new Map(partitions.map((p) => [p, (found.get(p) ?? -1n) < 0n ? 0n : found.get(p)!]));
  }

  async close(): Promise<void> {
    await this.admin.close();
  }

  private async listOffsets(topic: string, asked: readonly (readonly [number, bigint])[]): Promise<Map<number, bigint>> {
    if (asked.length === 0) return new Map();
    const [listed] = await this.admin.listOffsets({ topics: [{ name: topic, partitions: asked.map(([partitionIndex, timestamp]) => ({ partitionIndex, timestamp })) }] });
    return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  }
}
