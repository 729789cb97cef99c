import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@platformatic/kafka';
import type { TopicContract } from '@cuewire/contracts';
import { consumeAsGroup, type AvroSerde, type ConsumeLoopLogger, type GroupConsumer, type GroupStream, type KafkaSettings } from '@cuewire/kafka';
import { PartitionProgress } from './partition-progress.js';

type RawMessage = Message<string, Buffer, string, string>;

export interface DeliveryStreamOptions<T> {
  readonly groupId: string;
  readonly topic: TopicContract<T>;
  readonly settings: KafkaSettings;
  readonly serde: AvroSerde;
  readonly logger: ConsumeLoopLogger;
  /**
   * Records fetched but not yet committable; fetching pauses above this. All of them are
   * started at once: how many requests go out together is the executor's concern (per-endpoint
   * slots, then a process-wide cap), so a record waiting for a busy endpoint holds no capacity
   * another endpoint's record could use.
   */
  readonly maxPending: number;
  /**
   * Delay tiers: when a record may start. Records of one partition start in order, each after
   * its own moment, so a tier holds a partition without sleeping in any handler.
   */
  readonly startAt?: (value: T, appendedAt: number) => number;
  /** Runs one record to a durable outcome (outputs acknowledged). Rejections are retried. */
  readonly process: (value: T) => Promise<void>;
  /** Bytes that are not a valid record of the topic: written to the dead-letter topic, then skipped. */
  readonly undecodable: (message: { topic: string; partition: number; offset: bigint; key: string | null; value: Buffer | null }, reason: string) => Promise<void>;
}

/**
 * The dispatcher's consumer of one topic (the requests topic or one delay tier). Unlike the
 * batch consume loop (ADR 0004), records run concurrently, so one slow receiver does not hold
 * its partition; offsets are still committed only up to the contiguous prefix of records
 * whose outcome is durable (see docs/decisions/0009-dispatcher.md).
 */
export class DeliveryStream<T> {
  private consumer?: GroupConsumer;
  private stream?: GroupStream;
  private lanes = new Map<string, { progress: PartitionProgress; gate: Promise<void>; topic: string; partition: number }>();
  private generation = 0;
  private pending = 0;
  private stopping = false;
  private commitTimer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: DeliveryStreamOptions<T>) {}

  get isRunning(): boolean {
    return !this.stopping && Boolean(this.stream) && !this.stream!.destroyed;
  }

  async start(): Promise<void> {
    await this.connect();
    this.commitTimer = setInterval(() => void this.commit(), 250);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.commitTimer);
    this.stream?.pause();
    // In-flight deliveries finish and their offsets are committed before the group is left.
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(15_000)]);
    await this.commit();
    await this.disconnect();
  }

  private async connect(): Promise<void> {
    const { settings, groupId, topic } = this.options;
    const generation = ++this.generation;
    this.lanes = new Map();
    this.pending = 0;
    const { consumer, stream } = await consumeAsGroup(settings, groupId, [topic], { maxWaitTime: 100 });
    this.consumer = consumer;
    stream.on('error', (error) => this.options.logger.error({ err: error, groupId }, 'delivery stream error'));
    stream.on('data', (message: RawMessage) => this.accept(message, generation));
    stream.on('close', () => {
      if (!this.stopping && generation === this.generation) void this.reconnect();
    });
    this.stream = stream;
  }

  private async disconnect(): Promise<void> {
    await this.stream?.close().catch(() => undefined);
    await this.consumer?.close(true).catch(() => undefined);
  }

  /** A closed stream (rebalance failure, broker loss): start over from the committed offsets. Replays are deduped by delivery id. */
  private async reconnect(): Promise<void> {
    this.options.logger.warn({ groupId: this.options.groupId }, 'delivery stream closed; resuming from the committed offsets');
    await this.disconnect();
    while (!this.stopping) {
      try {
        await sleep(1_000);
        await this.connect();
        return;
      } catch (error) {
        this.options.logger.error({ err: error, groupId: this.options.groupId }, 'reconnect failed; retrying');
      }
    }
  }

  private accept(message: RawMessage, generation: number): void {
    const key = `${message.topic}\u0000${message.partition}`;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { progress: new PartitionProgress(), gate: Promise.resolve(), topic: message.topic, partition: message.partition }));
    lane.progress.track(message.offset);
    if (++this.pending >= this.options.maxPending) this.stream!.pause();
    const { startAt } = this.options;
    const run = async (): Promise<void> => {
      const value = await this.decode(message);
      if (value === undefined) return;
      await this.untilDone(() => this.options.process(value));
    };
    const finish = (): void => {
      if (generation !== this.generation) return;
      lane.progress.complete(message.offset);
      if (--this.pending < this.options.maxPending / 2 && this.stream?.isPaused() && !this.stopping) this.stream.resume();
    };
    const track = (work: Promise<void>): void => {
      const tracked = work.then(finish, finish);
      this.inFlight.add(tracked);
      void tracked.finally(() => this.inFlight.delete(tracked));
    };
    if (!startAt) return track(run());
    // Delay tier: wait for this record's moment after the previous one of the partition started.
    lane.gate = lane.gate.then(async () => {
      const value = await this.decode(message);
      if (value === undefined) return track(Promise.resolve());
      const wait = startAt(value, Number(message.timestamp)) - Date.now();
      if (wait > 0) await sleep(wait);
      if (this.stopping || generation !== this.generation) return;
      track(this.untilDone(() => this.options.process(value)));
    });
  }

  /** Decodes, or dead-letters the bytes and returns undefined. */
  private async decode(message: RawMessage): Promise<T | undefined> {
    try {
      if (!message.value || message.value.length === 0) throw new Error('record has no value');
      return await this.options.serde.decode<T>(message.value);
    } catch (error) {
      await this.untilDone(() => this.options.undecodable(message, (error as Error).message));
      return undefined;
    }
  }

  /** Transient failures (Kafka, Redis) are retried with backoff: a record is never skipped. */
  private async untilDone(work: () => Promise<void>): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        return await work();
      } catch (error) {
        if (this.stopping) throw error;
        const delay = Math.min(10_000, 100 * 2 ** Math.min(failures, 7));
        this.options.logger.error({ err: error, groupId: this.options.groupId, retryInMs: delay }, 'delivery step failed; retrying');
        await sleep(delay);
      }
    }
  }

  private async commit(): Promise<void> {
    if (!this.consumer || !this.stream || this.stream.destroyed) return;
    const offsets = [];
    for (const lane of this.lanes.values()) {
      const offset = lane.progress.takeCommit();
      if (offset !== null) offsets.push({ topic: lane.topic, partition: lane.partition, offset, leaderEpoch: -1 });
    }
    if (offsets.length === 0) return;
    // A failed commit (e.g. a partition revoked meanwhile) only means a replay after the next assignment.
    await this.consumer.commit({ offsets }).catch((error: Error) => this.options.logger.warn({ err: error, groupId: this.options.groupId }, 'commit failed'));
  }
}
