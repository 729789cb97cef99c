import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, MessagesStreamModes, stringDeserializer, type Message, type MessagesStream } from '@platformatic/kafka';
import { Topics, type TopicContract } from '@cuewire/contracts';
import { UndecodableRecordError, type AvroSerde } from './avro-serde.js';
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
  private consumer?: Consumer<string, Buffer, string, string>;
  private stream?: MessagesStream<string, Buffer, string, string>;
  private stopping = false;
  private readonly wake = new AbortController();
  private running?: Promise<void>;
  private readonly maxBatch: number;

  constructor(private readonly options: ConsumeLoopOptions<T>) {
    this.maxBatch = options.maxBatch ?? 500;
  }

  get isRunning(): boolean {
    return Boolean(this.running) && !this.stopping;
  }

  async start(): Promise<void> {
    const { settings, groupId, topics } = this.options;
    this.consumer = new Consumer({
      clientId: `${settings.clientId}-${groupId}`,
      groupId,
      bootstrapBrokers: [...settings.brokers],
      deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
      autocommit: false,
      sessionTimeout: 20_000,
      heartbeatInterval: 1_000,
      maxWaitTime: 200,
    });
    this.stream = await this.consumer.consume({
      topics: topics.map((t) => t.name),
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: this.options.startFrom ?? 'earliest',
    });
    this.stream.on('error', (error) => this.options.logger.error({ err: error, groupId }, 'consumer stream error'));
    this.running = this.run();
  }

  /** Finishes the batch in flight, commits it, leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake.abort();
    await this.running?.catch(() => undefined);
    await this.stream?.close().catch(() => undefined);
    await this.consumer?.close(true).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const batch = await this.nextBatch();
      if (batch.length > 0) await this.processWithRetry(batch);
    }
  }

  private async nextBatch(): Promise<RawMessage[]> {
    const stream = this.stream!;
    const batch: RawMessage[] = [];
    for (;;) {
      while (batch.length < this.maxBatch) {
        const message = stream.read() as RawMessage | null;
        if (message === null) break;
        batch.push(message);
      }
      if (batch.length > 0 || this.stopping || stream.destroyed) return batch;
      await Promise.race([once(stream, 'readable', { signal: this.wake.signal }), once(stream, 'close', { signal: this.wake.signal })]).catch(
        () => undefined, // aborted by stop()
      );
    }
  }

  private async processWithRetry(batch: RawMessage[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.process(batch);
        return;
      } catch (error) {
        const delay = Math.min(30_000, 200 * 2 ** attempt);
        this.options.logger.error({ err: error, groupId: this.options.groupId, attempt, retryInMs: delay }, 'batch failed; retrying');
        // Stopping mid-retry leaves the batch uncommitted: the next owner replays it.
        if (this.stopping) return;
        await sleep(delay);
      }
    }
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
      topic: message.topic,
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
