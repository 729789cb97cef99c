import { randomUUID } from 'node:crypto';
import { Consumer, ListOffsetTimestamps, MessagesStreamModes, stringDeserializer } from '@platformatic/kafka';
import type { TopicContract } from '@cuewire/contracts';
import type { AvroSerde } from './avro-serde.js';
import { physicalTopic, type KafkaSettings } from './kafka-settings.js';

/** One partition's readable offsets: from `start` (earliest kept) up to `end` (exclusive). */
export interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** A decoded record of a snapshot; `value` null for a tombstone. */
export interface SnapshotRecord<T> {
  readonly key: string;
  readonly value: T | null;
}

/** How far a snapshot read has got, in offsets (a compacted topic has gaps, so offsets, not records). */
export interface SnapshotProgress {
  readonly records: number;
  readonly undecodable: number;
  readonly offsetsDone: bigint;
  readonly offsetsTotal: bigint;
}

export interface SnapshotReadOptions<T> {
  /** Called with each batch; the next batch is read only after it resolves. */
  readonly onBatch: (records: SnapshotRecord<T>[], progress: SnapshotProgress) => Promise<void>;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** Told about each record whose value cannot be decoded (it is skipped). */
  readonly onUndecodable?: (key: string, error: Error) => void;
}

function snapshotConsumer(settings: KafkaSettings, topic: string): Consumer<string, Buffer, string, string> {
  return new Consumer({
    clientId: `${settings.clientId}-snapshot`,
    // A throw-away group that never commits: every read starts from the beginning.
    groupId: `cuewire-snapshot-${topic}-${randomUUID()}`,
    bootstrapBrokers: [...settings.brokers],
    deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
    autocommit: false,
    maxWaitTime: 100,
  });
}

async function rangesOf(consumer: Consumer<string, Buffer, string, string>, topic: string): Promise<PartitionRange[]> {
  const [starts, ends] = await Promise.all([
    consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST }),
    consumer.listOffsets({ topics: [topic] }),
  ]);
  return (ends.get(topic) ?? []).map((end, partition) => ({ partition, start: starts.get(topic)?.[partition] ?? 0n, end }));
}

/** The partitions' offset ranges of a topic right now (empty ranges when nothing is kept). */
export async function topicOffsetRanges(settings: KafkaSettings, contract: TopicContract<unknown>): Promise<PartitionRange[]> {
  const topic = physicalTopic(settings, contract);
  const consumer = snapshotConsumer(settings, topic);
  try {
    return await rangesOf(consumer, topic);
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}

/**
 * Reads a topic from its earliest offsets up to the end offsets it had when the read started,
 * in partition order, decoding values at the edge and handing them over in batches. Meant for
 * compacted topics (the latest record per key, possibly after older ones not yet compacted), so
 * a consumer that applies records in order ends with the latest value of every key. Records
 * written after the start are left for whoever consumes the topic live.
 */
export async function readTopicSnapshot<T>(settings: KafkaSettings, serde: AvroSerde, contract: TopicContract<T>, options: SnapshotReadOptions<T>): Promise<SnapshotProgress> {
  const topic = physicalTopic(settings, contract);
  const batchSize = options.batchSize ?? 1000;
  const consumer = snapshotConsumer(settings, topic);
  try {
    const ranges = await rangesOf(consumer, topic);
    const pending = new Map(ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
    const offsetsTotal = ranges.reduce((sum, r) => sum + (r.end - r.start), 0n);
    let progress: SnapshotProgress = { records: 0, undecodable: 0, offsetsDone: 0n, offsetsTotal };
    if (pending.size === 0) return progress;
    const position = new Map(ranges.map((r) => [r.partition, r.start]));
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
    let batch: SnapshotRecord<T>[] = [];
    try {
      for await (const message of stream) {
        if (options.signal?.aborted) break;
        const range = pending.get(message.partition);
        if (!range || message.offset >= range.end) continue;
        let undecodable = 0;
        try {
          const value = message.value == null || message.value.length === 0 ? null : await serde.decode<T>(message.value);
          batch.push({ key: message.key, value });
        } catch (error) {
          undecodable = 1;
          options.onUndecodable?.(message.key, error as Error);
        }
        const done = progress.offsetsDone + (message.offset + 1n - position.get(message.partition)!);
        position.set(message.partition, message.offset + 1n);
        if (message.offset + 1n >= range.end) pending.delete(message.partition);
        progress = { records: progress.records + 1 - undecodable, undecodable: progress.undecodable + undecodable, offsetsDone: done, offsetsTotal };
        if (batch.length >= batchSize || pending.size === 0) {
          await options.onBatch(batch, progress);
          batch = [];
        }
        if (pending.size === 0) break;
      }
    } finally {
      await stream.close().catch(() => undefined);
    }
    return progress;
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}
