import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@platformatic/kafka';
import type { TopicContract } from '@cuewire/contracts';
import { UndecodableRecordError, type AvroSerde } from './avro-serde.js';
import { deadLetterRecord, type DeadLetterStage } from './consumer/dead-letter.record.js';
import { partitionLags, type PartitionLag } from './consumer/consumer-lag.js';
import { backoffMs, classifyFailure, describeFailure, retryWhileUnreachable } from './consumer/failure.policy.js';
import { KeyedQueue } from './consumer/keyed-queue.js';
import { PartitionProgress, placeRecord } from './consumer/partition-progress.js';
import { earliestOffset, laneKeyOf, readResumePoints, type ResumePoint } from './consumer/resume-points.js';
import { consumeAsGroup, type GroupConsumer, type GroupStream } from './group-consumer.factory.js';
import type { KafkaSettings } from './kafka-settings.js';
import { consumeMetrics } from './kafka.metrics.js';
import { describeRecordSpan, inConsumeSpan } from './kafka.tracing.js';
import type { ConsumedRecord, RecordHandler } from './records.js';
import { RecordTooLargeError } from './typed-producer.js';
import type { TypedProducer } from './typed-producer.js';

/** Longest wait between two tries of a record during an outage: recovery is noticed within it. */
const RETRY_CAP_MS = 5_000;

type RawMessage = Message<string, Buffer, string, string> & { metadata?: { consumer?: { generationId?: number } } };

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
  /**
   * `key` (default): records with the same key run one at a time, in offset order; records of
   * different keys run concurrently. `none`: every record runs as soon as it is fetched (the
   * dispatcher: deliveries of one customer to different endpoints need no order).
   */
  readonly ordering?: 'key' | 'none';
  /**
   * With `ordering: 'key'`, what makes two records "the same key" (default: the record key).
   * The dispatcher orders by customer and webhook (a header the renderer sets), so a slow
   * endpoint never holds the same customer's deliveries to other endpoints. `null`: this record
   * needs no order and starts at once (a batch item, which completes only with its batch).
   */
  readonly orderingKey?: (record: { readonly key: string | null | undefined; readonly headers?: Map<string, string> }) => string | null | undefined;
  /** Records fetched and not yet committable; fetching pauses above this. */
  readonly maxInFlight?: number;
  /**
   * Delay topics: the moment a record may start. Records of one partition start in offset
   * order, each at its own moment, so a tier holds its partition without a handler sleeping.
   */
  readonly startAt?: (record: ConsumedRecord<T>) => number;
  /** Where a group with no committed offset starts. */
  readonly startFrom?: 'earliest' | 'latest';
  /** A record open this long makes the loop report itself stuck (readiness, metric). */
  readonly stuckAfterMs?: number;
  /** How often completed offsets are committed. */
  readonly commitIntervalMs?: number;
  /** How long `stop` waits for records in flight before leaving the group without them. */
  readonly drainTimeoutMs?: number;
  /** A record failing with an unclassified error is dead-lettered after this many attempts. */
  readonly unknownFailureAttempts?: number;
  /** Most time the broker holds a fetch open when there is nothing new. */
  readonly maxWaitTime?: number;
  /**
   * The store the handlers write to (Redis: DurableState). Before each commit the loop waits for
   * its `replicated()`, covering every record completed before it (a rejection holds the commit
   * until the next try); when its `losses` moved since the loop last started from its committed
   * offsets, it starts from them again instead of committing.
   */
  readonly durableState?: CommitBarrier;
}

/** What a consume loop asks of the store its handlers write to before it commits (DurableState). */
export interface CommitBarrier {
  replicated(): Promise<void>;
  readonly losses: number;
}

/** One fetched record on its way to a durable outcome. */
interface InFlight {
  readonly message: RawMessage;
  readonly laneKey: string;
  readonly progress: PartitionProgress;
  /** The assignment it was fetched under: a rebalance or reconnect starts a new one. */
  readonly epoch: number;
}

/**
 * The at-least-once loop every consumer in Cuewire runs (ADR 0011).
 *
 * Each fetched record is decoded at the edge, handed to the handler, and whatever the handler
 * returns is written and acknowledged by Kafka; only then is the record complete, and offsets
 * are committed up to the contiguous completed prefix of each partition. Records with the same
 * key (a customer) run strictly in offset order; different keys run concurrently.
 *
 * Failures, by what they say about the record (consumer/failure.policy.ts): content failures go
 * to the dead-letter topic with the stage and reason and the record completes; infrastructure
 * failures are retried with backoff for as long as it takes (the record stays open, so its
 * offset is never committed past); unknown errors are retried a few times, then dead-lettered.
 * A record open longer than `stuckAfterMs` makes the loop report stuck.
 *
 * A rebalance or a reconnect starts a new epoch: records fetched under the old one that have not
 * started are dropped, the ones running finish but are not committed, and a commit waiting for
 * the store's replicas is dropped; the new assignment resumes from the committed offsets, so
 * nothing uncommitted is skipped. A possible loss of the store's writes (`durableState.losses`)
 * starts a new epoch too, in place of the next commit (ADR 0029). The loop does not take
 * the client's word for that: each partition's records must start at the offset the group
 * resumes from and follow one another without a gap, or the partition is fetched again from the
 * first one missing (placeRecord; a fetch answered after a rejoin moves the client past records
 * it never handed out). Per-key order holds across epochs, since a key's queue outlives them.
 * `stop` stops fetching, lets running records finish, commits, and leaves the group; a record
 * that fails while stopping is never committed.
 */
export class ConsumeLoop<T> {
  private consumer?: GroupConsumer;
  private stream?: GroupStream;
  private epoch = 0;
  private lanes = new Map<string, PartitionProgress>();
  /** Per partition of the current assignment: where the group resumes it (read after each join). */
  private resumeAt = new Map<string, ResumePoint>();
  /** Per partition: the offset last fetched again from, and how often in a row. */
  private readonly rewound = new Map<string, { from: bigint; times: number }>();
  private readonly keys = new KeyedQueue();
  private readonly gates = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private pending = 0;
  /** Commits held in a row because the handlers' state was not yet durable (durableState). */
  private commitHolds = 0;
  /** The store's `losses` when the loop last started from its committed offsets. */
  private lossesSeen = 0;
  private started = false;
  private stopping = false;
  private reconnecting?: Promise<void>;
  private commitTimer?: NodeJS.Timeout;
  private commitInFlight?: Promise<void>;
  private unobserve?: () => void;
  private readonly maxInFlight: number;
  private readonly stuckAfterMs: number;

  constructor(private readonly options: ConsumeLoopOptions<T>) {
    // The check that nothing is skipped relies on every offset holding a record (placeRecord).
    const compacted = options.topics.filter((t) => t.compacted).map((t) => t.name);
    if (compacted.length > 0) throw new Error(`the consume loop reads only non-compacted topics; ${compacted.join(', ')} is compacted (read it with CompactedTopicView)`);
    this.maxInFlight = options.maxInFlight ?? 2_000;
    this.stuckAfterMs = options.stuckAfterMs ?? 60_000;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Consuming, and not shutting down. */
  get isRunning(): boolean {
    return this.started && !this.stopping && Boolean(this.stream) && !this.stream!.destroyed;
  }

  /** Records fetched and not yet complete. */
  get inFlight(): number {
    return this.pending;
  }

  /** The longest a record of this loop's current assignment has been open, in ms (0 when none). */
  oldestOpenMs(now = Date.now()): number {
    let oldest = now;
    for (const lane of this.lanes.values()) oldest = Math.min(oldest, lane.oldestOpenSince ?? now);
    return now - oldest;
  }

  /** Each assigned partition's lag behind its end, asked of the broker (what the lag metric reads on a scrape). */
  async lag(): Promise<PartitionLag[]> {
    const consumer = this.consumer;
    const assignments = consumer?.assignments;
    if (!consumer || !assignments || assignments.length === 0 || !this.isRunning) return [];
    const [ends, committed] = await Promise.all([
      consumer.listOffsets({ topics: assignments.map((a) => a.topic) }),
      consumer.listCommittedOffsets({ topics: assignments }),
    ]);
    return partitionLags(assignments, ends, committed);
  }

  /** A record has been open past the bound: an infrastructure outage, or a handler that never ends. */
  get isStuck(): boolean {
    return this.oldestOpenMs() > this.stuckAfterMs;
  }

  /** Joins the group, retrying while Kafka is unreachable (retryWhileUnreachable). */
  async start(): Promise<void> {
    await retryWhileUnreachable(
      () => this.connect(),
      (err, failures) => this.options.logger.warn({ err, groupId: this.options.groupId, failures }, 'joining the group failed; retrying'),
      () => this.stopping,
    );
    this.started = true;
    this.unobserve = consumeMetrics.observe(this);
    this.commitTimer = setInterval(() => void this.commit(), this.options.commitIntervalMs ?? 200);
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stream?.pause();
    clearInterval(this.commitTimer);
    const drained = Promise.allSettled([...this.running]);
    await Promise.race([drained, sleep(this.options.drainTimeoutMs ?? 15_000)]);
    await this.commit();
    await this.disconnect();
    this.unobserve?.();
  }

  private async connect(): Promise<void> {
    const { settings, groupId, topics } = this.options;
    const { consumer, stream } = await consumeAsGroup(settings, groupId, topics, { startFrom: this.options.startFrom, maxWaitTime: this.options.maxWaitTime });
    this.consumer = consumer;
    this.stream = stream;
    this.newEpoch();
    // Every (re)join after a rebalance: what was fetched before belongs to the old assignment.
    consumer.on('consumer:group:join', () => this.newEpoch());
    stream.on('data', (message: RawMessage) => this.accept(message));
    stream.on('error', (error) => this.options.logger.error({ err: error, groupId }, 'consumer stream error'));
    // A rejoin that failed (the group coordinator moved while brokers came and went) is emitted
    // on the consumer: unheard, it would end the process; the group is joined afresh instead.
    consumer.on('error', (error: Error) => {
      this.options.logger.error({ err: error, groupId }, 'consumer error; joining the group again');
      if (!this.stopping && this.consumer === consumer) void this.reconnect();
    });
    stream.on('close', () => {
      if (!this.stopping && this.stream === stream) void this.reconnect();
    });
  }

  private newEpoch(): void {
    // Every record of the new epoch is handled after this: its writes are after any loss so far.
    this.lossesSeen = this.options.durableState?.losses ?? 0;
    this.epoch++;
    this.lanes = new Map();
    this.resumeAt = new Map();
    this.rewound.clear();
    this.gates.clear();
    this.pending = 0;
    // Nothing is handed out until the new assignment's resume points are known (placeRecord).
    this.stream?.pause();
    void this.learnResumePoints(this.epoch);
  }

  /** Reads where the group resumes each assigned partition (retrying while Kafka is unreachable), then lets the stream flow. */
  private async learnResumePoints(epoch: number): Promise<void> {
    for (let failures = 0; epoch === this.epoch && !this.stopping; failures++) {
      try {
        const points = await readResumePoints(this.consumer!, this.options.startFrom ?? 'earliest');
        if (epoch !== this.epoch) return;
        this.resumeAt = points;
        // The client fetches from there too, whatever it fetched meanwhile (records dropped as early).
        for (const [laneKey, point] of points) if (point !== 'any') this.seek(laneKey, point);
        if (this.stream?.isPaused() && !this.stopping) this.stream.resume();
        return;
      } catch (error) {
        if (failures % 10 === 0) this.options.logger.warn({ err: error, groupId: this.options.groupId, failures: failures + 1 }, 'reading the committed offsets failed; retrying');
        await sleep(backoffMs(failures, 100, RETRY_CAP_MS));
      }
    }
  }

  private async disconnect(): Promise<void> {
    const { stream, consumer } = this;
    await stream?.close().catch(() => undefined);
    await consumer?.close(true).catch(() => undefined);
  }

  /** The stream ended without a stop (broker loss, failed rejoin): start over from the committed offsets. */
  private reconnect(): Promise<void> {
    this.reconnecting ??= (async () => {
      this.options.logger.warn({ groupId: this.options.groupId }, 'consumer stream closed; resuming from the committed offsets');
      await this.disconnect();
      for (let failures = 0; !this.stopping; failures++) {
        await sleep(backoffMs(failures, 500, 10_000));
        try {
          await this.connect();
          return;
        } catch (error) {
          this.options.logger.error({ err: error, groupId: this.options.groupId }, 'reconnect failed; retrying');
        }
      }
    })().finally(() => (this.reconnecting = undefined));
    return this.reconnecting;
  }

  private accept(message: RawMessage): void {
    if (this.stopping) return;
    // Fetched under an earlier generation of the group, or for a partition no longer ours: the
    // new owner (maybe this process again) re-reads it from the committed offset.
    const generation = message.metadata?.consumer?.generationId;
    if (generation !== undefined && generation !== this.consumer?.generationId) return;
    if (!this.isAssigned(message.topic, message.partition)) return;
    const laneKey = laneKeyOf(message.topic, message.partition);
    const lane = this.lanes.get(laneKey);
    const placement = placeRecord(message.offset, lane?.next, this.resumeAt.get(laneKey));
    if (placement.kind === 'early' || placement.kind === 'duplicate') return;
    if (placement.kind === 'skipped') return this.fetchAgain(message, laneKey, placement.from);
    let progress = lane!;
    if (placement.kind === 'start') {
      // The partition's first record in this assignment (a rejoin or reconnect starts a new one).
      progress = new PartitionProgress(message.topic, message.partition);
      this.lanes.set(laneKey, progress);
    }
    progress.track(message.offset);
    if (++this.pending >= this.maxInFlight) this.stream?.pause();
    const item: InFlight = { message, laneKey, progress, epoch: this.epoch };
    if (this.options.startAt) return this.gate(laneKey, item);
    this.schedule(item, undefined);
  }

  /**
   * The client handed out a record past records it never did: drop it and move the client's
   * fetch position back to the first one missing (the position map is the client's own; a
   * stale answer that moves it forward again is caught the same way). Fetched again from the
   * same offset several times over, the records may be gone (deleted by retention while the
   * group lagged): then the partition goes on from the earliest one left.
   */
  private fetchAgain(message: RawMessage, laneKey: string, from: bigint): void {
    this.seek(laneKey, from);
    const previous = this.rewound.get(laneKey);
    const times = previous?.from === from ? previous.times + 1 : 1;
    this.rewound.set(laneKey, { from, times });
    if (times === 1) {
      consumeMetrics.fetchRewinds.inc({ group: this.options.groupId, topic: message.topic });
      this.options.logger.warn(
        { groupId: this.options.groupId, topic: message.topic, partition: message.partition, offset: String(message.offset), from: String(from) },
        'the client skipped records of a partition; fetching it again from the first one missing',
      );
    }
    if (times === 5) void this.skipDeleted(message.topic, message.partition, laneKey, from, this.epoch);
  }

  /** Records from `from` deleted by retention: the partition's lane starts again at the earliest one left. */
  private async skipDeleted(topic: string, partition: number, laneKey: string, from: bigint, epoch: number): Promise<void> {
    const earliest = await earliestOffset(this.consumer!, topic, partition).catch(() => undefined);
    if (earliest === undefined || earliest <= from || epoch !== this.epoch) return;
    this.options.logger.error({ groupId: this.options.groupId, topic, partition, from: String(from), earliest: String(earliest) }, 'records deleted by retention before they were consumed; going on from the earliest left');
    const lane = this.lanes.get(laneKey);
    if (lane) this.pending -= lane.size;
    this.lanes.delete(laneKey);
    this.resumeAt.set(laneKey, earliest);
    this.seek(laneKey, earliest);
  }

  /** Sets the client's fetch position of a partition (its own map, keyed `topic:partition`). */
  private seek(laneKey: string, offset: bigint): void {
    const [topic, partition] = laneKey.split('\u0000');
    this.stream?.offsetsToFetch.set(`${topic}:${partition}`, offset);
  }

  private isAssigned(topic: string, partition: number): boolean {
    const assignments = this.consumer?.assignments;
    if (!assignments) return true;
    return assignments.some((a) => a.topic === topic && a.partitions.includes(partition));
  }

  /** Delay tiers: each record of a partition starts at its moment, after the one before it started. */
  private gate(laneKey: string, item: InFlight): void {
    const previous = this.gates.get(laneKey) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.abandoned(item)) return this.schedule(item, undefined);
      const decoded = await this.decodeSettled(item);
      if (decoded.record) {
        const wait = this.options.startAt!(decoded.record) - Date.now();
        if (wait > 0) await sleep(wait);
      }
      this.schedule(item, decoded);
    });
    this.gates.set(laneKey, next);
  }

  private schedule(item: InFlight, decoded: Decoded<T> | undefined): void {
    const work = () => this.process(item, decoded);
    const ordered = this.options.orderingKey?.(item.message);
    const key = ordered === undefined ? (item.message.key ?? `\u0000${item.message.topic}\u0000${item.message.partition}`) : ordered;
    const run = this.options.ordering === 'none' || key === null ? work() : this.keys.run(key, work);
    const tracked = run.catch((error) => this.options.logger.error({ err: error, groupId: this.options.groupId }, 'record processing failed unexpectedly'));
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  private abandoned(item: InFlight): boolean {
    return this.stopping || item.epoch !== this.epoch || this.lanes.get(item.laneKey) !== item.progress;
  }

  /** Runs one record to a durable outcome, or leaves it open (never committed) when abandoned. */
  private async process(item: InFlight, decoded: Decoded<T> | undefined): Promise<void> {
    if (this.abandoned(item)) return;
    const started = performance.now();
    const labels = { group: this.options.groupId, topic: item.message.topic };
    const outcome = await inConsumeSpan(this.options.groupId, item.message.topic, item.message.headers, async (span) => {
      const settled = decoded ?? (await this.decodeSettled(item));
      describeRecordSpan(span, settled.record?.value);
      return this.handleSettled(item, settled);
    });
    if (outcome === 'abandoned') return;
    if (outcome === 'handled') consumeMetrics.consumed.inc(labels);
    else consumeMetrics.deadLettered.inc({ ...labels, stage: outcome.stage });
    consumeMetrics.recordSeconds.observe({ group: this.options.groupId }, (performance.now() - started) / 1000);
    if (item.epoch !== this.epoch || this.lanes.get(item.laneKey) !== item.progress) return;
    item.progress.complete(item.message.offset);
    if (--this.pending < this.maxInFlight / 2 && this.stream?.isPaused() && !this.stopping) this.stream.resume();
  }

  /** Decodes at the edge; retries while the registry is unavailable, and names what is undecodable. */
  private async decodeSettled(item: InFlight): Promise<Decoded<T>> {
    for (let failures = 0; ; failures++) {
      try {
        return { record: await this.decode(item.message) };
      } catch (error) {
        if (classifyFailure(error) !== 'infrastructure') return { failure: { stage: 'decode', reason: describeFailure(error) } };
        if (this.abandoned(item)) return { abandoned: true };
        this.logRetry(item, 'decode', error, failures);
        await sleep(backoffMs(failures, 100, RETRY_CAP_MS));
      }
    }
  }

  private async handleSettled(item: InFlight, decoded: Decoded<T>): Promise<'handled' | 'abandoned' | { stage: DeadLetterStage }> {
    if (decoded.abandoned) return 'abandoned';
    let failure = decoded.failure;
    const unknownLimit = this.options.unknownFailureAttempts ?? 3;
    for (let failures = 0, unknown = 0; !failure; failures++) {
      let stage: DeadLetterStage = 'handle';
      try {
        const outputs = (await this.options.handler(decoded.record!)) ?? [];
        stage = 'produce';
        await this.options.producer.send(outputs);
        return 'handled';
      } catch (error) {
        const kind = classifyFailure(error);
        if (kind === 'content' || (kind === 'unknown' && ++unknown >= unknownLimit)) {
          const reason = kind === 'unknown' ? `failed ${unknown} times: ${describeFailure(error)}` : describeFailure(error);
          failure = { stage: error instanceof RecordTooLargeError ? 'produce' : stage, reason };
          break;
        }
        if (this.abandoned(item)) return 'abandoned';
        this.logRetry(item, stage, error, failures);
        await sleep(backoffMs(failures, 100, RETRY_CAP_MS));
        if (this.abandoned(item)) return 'abandoned';
      }
    }
    return (await this.deadLetter(item, failure!)) ? { stage: failure.stage } : 'abandoned';
  }

  /** Writes the dead letter, retrying infrastructure failures; false when abandoned first. */
  private async deadLetter(item: InFlight, failure: { stage: DeadLetterStage; reason: string }): Promise<boolean> {
    const { message } = item;
    this.options.logger.warn(
      { groupId: this.options.groupId, topic: message.topic, partition: message.partition, offset: String(message.offset), stage: failure.stage, reason: failure.reason },
      'record sent to the dead-letter topic',
    );
    let keepValue = true;
    for (let failures = 0; ; failures++) {
      try {
        await this.options.producer.send([deadLetterRecord(message, this.options.groupId, failure.stage, failure.reason, keepValue)]);
        return true;
      } catch (error) {
        if (error instanceof RecordTooLargeError && keepValue) {
          keepValue = false;
          continue;
        }
        if (this.abandoned(item)) return false;
        this.logRetry(item, 'dead-letter', error, failures);
        await sleep(backoffMs(failures, 100, RETRY_CAP_MS));
      }
    }
  }

  private logRetry(item: InFlight, step: string, error: unknown, failures: number): void {
    // The first failure and then every tenth: an outage of minutes must not flood the log.
    if (failures % 10 !== 0) return;
    const { message } = item;
    this.options.logger.error(
      { err: error, groupId: this.options.groupId, topic: message.topic, partition: message.partition, offset: String(message.offset), step, failures: failures + 1 },
      'record step failed; retrying',
    );
  }

  private async decode(message: RawMessage): Promise<ConsumedRecord<T>> {
    if (message.key == null) throw new UndecodableRecordError('record has no key');
    const value = message.value == null || message.value.length === 0 ? null : await this.options.serde.decode<T>(message.value);
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

  /** Commits each partition's completed prefix; a failed commit is offered again next time. */
  private commit(): Promise<void> {
    this.commitInFlight ??= this.commitNow().finally(() => (this.commitInFlight = undefined));
    return this.commitInFlight;
  }

  private async commitNow(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || !this.stream || this.stream.destroyed) return;
    const offsets = [...this.lanes.values()].flatMap((lane) => {
      const offset = lane.pendingCommit();
      return offset === null ? [] : [{ lane, offset }];
    });
    if (offsets.length === 0) return;
    const { epoch, lossesSeen } = this;
    const durable = this.options.durableState;
    try {
      await durable?.replicated();
    } catch (error) {
      if (this.commitHolds++ % 25 === 0) this.options.logger.warn({ err: error, groupId: this.options.groupId, holds: this.commitHolds }, 'state not yet durable; holding the commit');
      return;
    }
    this.commitHolds = 0;
    // A rejoin meanwhile (or a replay): these offsets are the old assignment's, and a partition
    // may be another member's now, already handling it again from the committed offset; the
    // coordinator would take them under the new generation and move that member's committed
    // offset past records it has not handled yet (the timer watermark reads those offsets).
    if (epoch !== this.epoch) return;
    if (durable && durable.losses !== lossesSeen) return this.replayAfterLoss(durable.losses);
    try {
      await consumer.commit({ offsets: offsets.map(({ lane, offset }) => ({ topic: lane.topic, partition: lane.partition, offset, leaderEpoch: -1 })) });
      for (const { lane, offset } of offsets) lane.markCommitted(offset);
    } catch (error) {
      // A partition revoked meanwhile, or the coordinator moving: the next commit (or the next
      // owner, replaying from the last commit) covers it.
      this.options.logger.warn({ err: error, groupId: this.options.groupId }, 'commit failed; will retry');
    }
  }

  /**
   * Writes acknowledged by the store may have been lost since the loop last started from its
   * committed offsets (a Redis master killed before its replica had them): the records completed
   * since are not committed but handled again, from the committed offsets, as after a rebalance.
   */
  private replayAfterLoss(losses: number): void {
    if (this.stopping) return;
    consumeMetrics.lossReplays.inc({ group: this.options.groupId });
    this.options.logger.warn(
      { groupId: this.options.groupId, losses, uncommitted: this.pending },
      'state store writes may have been lost; handling the records since the last commit again',
    );
    this.newEpoch();
  }
}

/** A decoded record, a decode failure to dead-letter, or nothing (abandoned while waiting). */
type Decoded<T> = { record?: ConsumedRecord<T>; failure?: { stage: DeadLetterStage; reason: string }; abandoned?: true };

