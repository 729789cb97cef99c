import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes, stringDeserializer, type MessagesStream } from '@platformatic/kafka';
import type { TopicContract } from '@cuewire/contracts';
import { RegistryUnavailableError, type AvroSerde } from './avro-serde.js';
import { physicalTopic, type KafkaSettings } from './kafka-settings.js';
import type { ConsumeLoopLogger } from './consume-loop.js';
import { backoffMs, retryWhileUnreachable } from './consumer/failure.policy.js';

/**
 * How long the broker holds a view's fetch open while the topic is quiet. A config record ends
 * the wait at once, so this bounds only how often an idle view asks: every process holds three
 * or four views, and at 100 ms each asked ten times a second (ADR 0025).
 */
const VIEW_MAX_WAIT_MS = 1_000;

/**
 * An in-memory copy of a compacted topic (latest value per key), read from the beginning by
 * every process and followed live. `ready` resolves once everything written before start-up
 * has been read, so a service never acts on half-loaded config. Each process reads with its
 * own throw-away group: every replica needs every record.
 *
 * A stream that fails (broker lost, fetch error) is replaced by a new consumer that resumes
 * right after the last record applied, with backoff, for as long as it takes; meanwhile
 * `isFollowing` is false, so readiness shows a replica whose config (a revoked API key, a
 * disabled webhook) may be stale.
 */
export class CompactedTopicView<T> extends EventEmitter<{ change: [key: string, value: T | null] }> {
  private readonly entries = new Map<string, T>();
  private consumer?: Consumer<string, Buffer, string, string>;
  private stream?: MessagesStream<string, Buffer, string, string>;
  private readonly pending = new Map<number, bigint>();
  /** Next offset to read per partition: where a replacement stream resumes. */
  private readonly positions = new Map<number, bigint>();
  private following = false;
  private stopped = false;
  private restarting?: Promise<void>;
  /** Writers waiting to see their record read back (see `echoOf`), by key. */
  private readonly echoes = new Map<string, { expected: string; arrived: () => void }[]>();
  /** Records are applied strictly in arrival order, although decoding is async. */
  private applied: Promise<void> = Promise.resolve();
  private resolveReady!: () => void;
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));

  constructor(
    private readonly contract: TopicContract<T>,
    private readonly settings: KafkaSettings,
    private readonly serde: AvroSerde,
    private readonly logger: ConsumeLoopLogger,
  ) {
    super();
    this.topic = physicalTopic(settings, contract);
  }

  private readonly topic: string;

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  values(): T[] {
    return [...this.entries.values()];
  }

  /** Applies a write this process just made, so its own reads see it at once. */
  apply(key: string, value: T | null): void {
    if (value === null) this.entries.delete(key);
    else this.entries.set(key, value);
    this.emit('change', key, value);
  }

  /** Reading the topic live (false while a failed stream is being replaced). */
  get isFollowing(): boolean {
    return this.following;
  }

  /**
   * Call before producing `value` for `key`: `arrived` resolves once this view has read that
   * record back from the topic, so everything before it in the log is applied too and the view
   * never shows older state afterwards. (Applying a write locally instead can be undone by the
   * read-back of an earlier record arriving after it.) `cancel` when the produce fails.
   */
  echoOf(key: string, value: T | null): { arrived: Promise<void>; cancel: () => void } {
    const expected = canonicalJson(value);
    let waiter!: { expected: string; arrived: () => void };
    const arrived = new Promise<void>((resolve) => (waiter = { expected, arrived: resolve }));
    this.echoes.set(key, [...(this.echoes.get(key) ?? []), waiter]);
    const cancel = () => {
      const left = (this.echoes.get(key) ?? []).filter((w) => w !== waiter);
      if (left.length > 0) this.echoes.set(key, left);
      else this.echoes.delete(key);
    };
    return { arrived: arrived.finally(cancel), cancel };
  }

  /** Reads where the topic ends, then follows it; retried while Kafka is unreachable (retryWhileUnreachable). */
  async start(): Promise<void> {
    await retryWhileUnreachable(
      async () => {
        const consumer = this.newConsumer();
        try {
          const ends = await consumer.listOffsets({ topics: [this.topic] });
          (ends.get(this.topic) ?? []).forEach((end, partition) => end > 0n && this.pending.set(partition, end));
          if (this.pending.size === 0) this.resolveReady();
          await this.follow(consumer);
        } catch (error) {
          await consumer.close(true).catch(() => undefined);
          throw error;
        }
      },
      (err, failures) => this.logger.warn({ err, topic: this.topic, failures }, 'config view could not start; retrying'),
    );
  }

  private newConsumer(): Consumer<string, Buffer, string, string> {
    return new Consumer({
      clientId: `${this.settings.clientId}-view`,
      groupId: `cuewire-view-${this.topic}-${randomUUID()}`,
      bootstrapBrokers: [...this.settings.brokers],
      deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
      autocommit: false,
      maxWaitTime: VIEW_MAX_WAIT_MS,
    });
  }

  private async follow(consumer: Consumer<string, Buffer, string, string>): Promise<void> {
    this.consumer = consumer;
    const offsets = [...this.positions].map(([partition, offset]) => ({ topic: this.topic, partition, offset }));
    const stream = await consumer.consume(
      offsets.length > 0
        ? { topics: [this.topic], mode: MessagesStreamModes.MANUAL, fallbackMode: MessagesStreamFallbackModes.EARLIEST, offsets }
        : { topics: [this.topic], mode: MessagesStreamModes.EARLIEST },
    );
    this.stream = stream;
    this.following = true;
    stream.on('data', (message) => {
      this.applied = this.applied.then(() => this.onMessage(message.key, message.value, message.partition, message.offset));
    });
    // A failed rejoin is emitted on the consumer (unheard, it would end the process).
    consumer.on('error', (err: Error) => {
      if (this.consumer !== consumer) return;
      this.logger.error({ err, topic: this.topic }, 'config view consumer error; replacing the stream');
      void this.restart();
    });
    stream.on('error', (err) => {
      if (this.stream !== stream) return;
      this.logger.error({ err, topic: this.topic }, 'config view stream error; replacing the stream');
      void this.restart();
    });
    stream.on('close', () => {
      if (this.stream === stream) void this.restart();
    });
  }

  /** Replaces a failed stream, resuming after the last applied record. */
  private restart(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.restarting ??= (async () => {
      this.following = false;
      const { stream, consumer } = this;
      this.stream = undefined;
      await stream?.close().catch(() => undefined);
      await consumer?.close(true).catch(() => undefined);
      await this.applied;
      for (let failures = 0; !this.stopped; failures++) {
        await sleep(backoffMs(failures, 250, 10_000));
        const next = this.newConsumer();
        try {
          await this.follow(next);
          this.logger.info({ topic: this.topic }, 'config view following again');
          return;
        } catch (err) {
          await next.close(true).catch(() => undefined);
          if (failures % 10 === 0) this.logger.error({ err, topic: this.topic, failures: failures + 1 }, 'config view could not reconnect; retrying');
        }
      }
    })().finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  private async onMessage(key: string, value: Buffer | null | undefined, partition: number, offset: bigint): Promise<void> {
    const position = this.positions.get(partition);
    if (position !== undefined && offset < position) return; // already applied before a restart
    this.positions.set(partition, offset + 1n);
    for (let failures = 0; ; failures++) {
      try {
        const decoded = value && value.length > 0 ? await this.serde.decode<T>(value) : null;
        this.apply(key, decoded);
        const waiting = this.echoes.get(key);
        if (waiting) {
          const text = canonicalJson(decoded);
          for (const w of waiting) if (w.expected === text) w.arrived();
        }
        break;
      } catch (err) {
        // The registry being down must not drop a config change (a revoked key would keep working).
        if (err instanceof RegistryUnavailableError && !this.stopped) {
          if (failures % 10 === 0) this.logger.error({ err, topic: this.topic, key }, 'config record waits for the schema registry');
          await sleep(backoffMs(failures, 250, 10_000));
          continue;
        }
        this.logger.error({ err, topic: this.topic, key }, 'undecodable config record ignored');
        break;
      }
    }
    const end = this.pending.get(partition);
    if (end !== undefined && offset + 1n >= end) {
      this.pending.delete(partition);
      if (this.pending.size === 0) this.resolveReady();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.following = false;
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => undefined);
    await this.consumer?.close(true).catch(() => undefined);
  }
}

/** JSON with object keys sorted, so a value read back compares equal to the one written. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
