import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@platformatic/kafka';
import { Topics, type TopicContract } from '@cuewire/contracts';
import { UndecodableRecordError, type AvroSerde } from './avro-serde.js';
import { consumeAsGroup, type GroupConsumer, type GroupStream } from './group-consumer.factory.js';
import type { KafkaSettings } from './kafka-settings.js';
import { consumeMetrics } from './kafka.metrics.js';
import { PoisonRecordError, type ConsumedRecord, type OutgoingRecord, type RecordHandler } from './records.js';
import type { TypedProducer } from './typed-producer.js';

type RawMessage = Message<string, Buffer, string, string>;

export interface ConsumeLoopLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConsumeLoopOptions<T> {
  readonly groupId: string;
  readonly topics: readonly TopicContract<T>[];
  readonly handler: RecordHandler<T>;
  readonly settings: KafkaSettings;
  readonly serde: AvroSerde;
  readonly producer: TypedProducer;
  readonly logger: ConsumeLoopLogger;
  /** Most records handled per batch (one produce and one commit per batch). */
  readonly maxBatch?: number;
  /** Where a group with no committed offset starts. */
  readonly startFrom?: 'earliest' | 'latest';
}

/**
 * The at-least-once consume loop every service runs:
 * read a batch → decode each value at the edge (undecodable → dead-letter topic) → run the
 * handler in partition order → write everything the batch produced and wait for the acks →
 * only then commit the batch's offsets. A crash anywhere before the commit replays the batch.
 * Handler failures other than PoisonRecordError are retried with backoff, never skipped.
 */
export class ConsumeLoop<T> {
  private consumer?: GroupConsumer;
  private stream?: GroupStream;
  private stopping = false;
  /** Records fetched but not yet handled; the stream is paused while this is full. */
  private readonly queue: RawMessage[] = [];
  private wake?: () => void;
  private running?: Promise<void>;
  private readonly maxBatch: number;

  constructor(private readonly options: ConsumeLoopOptions<T>) {
    this.maxBatch = options.maxBatch ?? 500;
  }

  get isRunning(): boolean {
    return Boolean(this.running) && !this.stopping;
  }

  async start(): Promise<void> {
    await this.connect();
    this.running = this.run();
  }

  /** Finishes the batch in flight, commits it, leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake?.();
    await this.running?.catch(() => undefined);
    await this.disconnect();
  }

  private async connect(): Promise<void> {
    const { settings, groupId, topics } = this.options;
    const { consumer, stream } = await consumeAsGroup(settings, groupId, topics, { startFrom: this.options.startFrom });
    this.consumer = consumer;
    stream.on('error', (error) => this.options.logger.error({ err: error, groupId }, 'consumer stream error'));
    stream.on('data', (message: RawMessage) => {
      this.queue.push(message);
      if (this.queue.length >= this.maxBatch * 2) stream.pause();
      this.wake?.();
    });
    stream.on('close', () => this.wake?.());
    this.stream = stream;
  }

  private async disconnect(): Promise<void> {
    this.queue.length = 0;
    await this.stream?.close().catch(() => undefined);
    await this.consumer?.close(true).catch(() => undefined);
  }

  /**
   * Any failure (a handler's transient error, a produce or commit error, a rebalance that
   * destroyed the stream) discards what was fetched and reconnects from the committed
   * offsets: nothing uncommitted is skipped, and per-partition order holds.
   */
  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (this.stream!.destroyed) throw new Error('consumer stream closed');
        const batch = await this.nextBatch();
        if (batch.length === 0) continue;
        await this.process(batch);
        failures = 0;
      } catch (error) {
        failures++;
        const delay = Math.min(30_000, 200 * 2 ** Math.min(failures, 8));
        this.options.logger.error({ err: error, groupId: this.options.groupId, failures, retryInMs: delay }, 'batch failed; resuming from the committed offsets');
        await this.disconnect();
        await sleep(delay);
        await this.reconnect();
      }
    }
  }

  private async reconnect(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.connect();
        return;
      } catch (error) {
        this.options.logger.error({ err: error, groupId: this.options.groupId }, 'reconnect failed; retrying');
        await this.disconnect();
        await sleep(2_000);
      }
    }
  }

  private async nextBatch(): Promise<RawMessage[]> {
    while (this.queue.length === 0 && !this.stopping && !this.stream!.destroyed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.stream!.isPaused() && this.queue.length < this.maxBatch) this.stream!.resume();
    return batch;
  }

  private async process(batch: RawMessage[]): Promise<void> {
    const started = performance.now();
    const byPartition = new Map<string, RawMessage[]>();
    for (const message of batch) {
      const key = `${message.topic}\u0000${message.partition}`;
      byPartition.set(key, [...(byPartition.get(key) ?? []), message]);
    }
    const outputs = (await Promise.all([...byPartition.values()].map((messages) => this.processPartition(messages)))).flat();
    await this.options.producer.send(outputs);
    await this.consumer!.commit({
      offsets: [...byPartition.values()].map((messages) => {
        const last = messages[messages.length - 1];
        return { topic: last.topic, partition: last.partition, offset: last.offset + 1n, leaderEpoch: last.leaderEpoch };
      }),
    });
    consumeMetrics.batchSeconds.observe({ group: this.options.groupId }, (performance.now() - started) / 1000);
  }

  /** One partition's records, strictly in order (per-customer ordering rides on this). */
  private async processPartition(messages: RawMessage[]): Promise<OutgoingRecord[]> {
    const outputs: OutgoingRecord[] = [];
    for (const message of messages) {
      const labels = { group: this.options.groupId, topic: message.topic };
      let record: ConsumedRecord<T>;
      try {
        record = await this.decode(message);
      } catch (error) {
        outputs.push(this.deadLetter(message, 'decode', error as Error));
        consumeMetrics.deadLettered.inc({ ...labels, stage: 'decode' });
        continue;
      }
      try {
        outputs.push(...((await this.options.handler(record)) ?? []));
        consumeMetrics.consumed.inc(labels);
      } catch (error) {
        if (!(error instanceof PoisonRecordError)) throw error;
        outputs.push(this.deadLetter(message, 'handle', error));
        consumeMetrics.deadLettered.inc({ ...labels, stage: 'handle' });
      }
    }
    return outputs;
  }

  private async decode(message: RawMessage): Promise<ConsumedRecord<T>> {
    const value = message.value == null || message.value.length === 0 ? null : await this.options.serde.decode<T>(message.value);
    if (message.key == null) throw new UndecodableRecordError('record has no key');
    return {
      topic: message.topic.slice(this.options.settings.topicPrefix.length),
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      value,
      headers: Object.fromEntries(message.headers ?? []),
      timestamp: Number(message.timestamp),
    };
  }

  private deadLetter(message: RawMessage, stage: 'decode' | 'handle', error: Error): OutgoingRecord {
    this.options.logger.warn(
      { groupId: this.options.groupId, topic: message.topic, partition: message.partition, offset: String(message.offset), stage, reason: error.message },
      'record sent to the dead-letter topic',
    );
    return {
      topic: Topics.deadLetters,
      key: message.key ?? '',
      value: {
        sourceTopic: message.topic,
        sourcePartition: message.partition,
        sourceOffset: String(message.offset),
        consumerGroup: this.options.groupId,
        key: message.key == null ? null : Buffer.from(message.key),
        value: message.value ?? null,
        reason: error.message,
        stage,
        failedAt: Date.now(),
      },
    };
  }
}
