import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@cuewire/contracts';
import { ConsumerProgress, partitionForKey, physicalTopic, type KafkaSettings } from '@cuewire/kafka';
import { consumerGroupId, KAFKA_SETTINGS } from '@cuewire/kafka-nest';
import { APP_CONFIG, type BaseEnv } from '@cuewire/platform';

export interface Deadline {
  readonly customerId: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Deadlines are looked up at whole seconds (rounded up: never earlier), so a poll's timers share lookups. */
const STEP_MS = 1_000;
/** How long a remembered enriched-events offset is kept for deadlines not asked about again. */
const REMEMBER_MS = 15 * 60_000;

/** Where a stage's progress is read: a topic and the consumer group that reads it. */
interface Stage {
  readonly topic: string;
  readonly groupId: string;
}

/**
 * Has the evaluator processed every event a customer sent before a deadline? A "not followed
 * by" timer fires only then: a lagging pipeline must not tell a customer "you didn't" while
 * their B waits unread. An event passes two stages before the evaluator has seen it, so both
 * are checked, on the customer's partition of each topic (both stamped with the broker's
 * append time):
 *
 * 1. the **segmenter** has committed past the first customer event appended at or after the
 *    deadline: every earlier event is enriched, and its enriched record is acknowledged;
 * 2. the **evaluator** has committed past every enriched record that existed once (1) held:
 *    the enriched topic's end offset, read after (1) was seen and remembered per partition and
 *    deadline, so a pipeline under steady load passes at the next poll instead of chasing a
 *    moving end.
 *
 * The end offset of (2) is stricter than needed (it includes records of events after the
 * deadline) but exact where it matters: an enriched record appended after the deadline may
 * still carry an event from before it, when the segmenter was behind (a registry outage, a
 * restart), so no timestamp of the enriched topic can bound it.
 */
@Injectable()
export class ProcessedEventsWatermark implements OnApplicationShutdown {
  private readonly progress: ConsumerProgress;
  private readonly events: Stage;
  private readonly enriched: Stage;
  /** `<events partition>:<deadline>` → enriched end offset read once the segmenter was past the deadline, and when. */
  private readonly required = new Map<string, { offset: bigint; at: number }>();

  constructor(@Inject(KAFKA_SETTINGS) settings: KafkaSettings, @Inject(APP_CONFIG) config: BaseEnv) {
    this.progress = new ConsumerProgress(settings);
    this.events = { topic: physicalTopic(settings, Topics.customerEvents), groupId: consumerGroupId(config.KAFKA_GROUP_PREFIX, ConsumerGroups.segmenter) };
    this.enriched = { topic: physicalTopic(settings, Topics.enrichedEvents), groupId: consumerGroupId(config.KAFKA_GROUP_PREFIX, ConsumerGroups.campaignEvaluator) };
  }

  /** For each deadline, whether it is reached, and the partition (of the stage still behind) it waits on. */
  async reached(deadlines: readonly Deadline[]): Promise<{ reached: boolean; partition: number }[]> {
    if (deadlines.length === 0) return [];
    const [eventPartitions, enrichedPartitions] = await Promise.all([this.progress.partitionCount(this.events.topic), this.progress.partitionCount(this.enriched.topic)]);
    const asked = deadlines.map((d) => ({
      events: partitionForKey(d.customerId, eventPartitions),
      enriched: partitionForKey(d.customerId, enrichedPartitions),
      at: Math.ceil(d.at / STEP_MS) * STEP_MS,
    }));
    const segmented = await this.passed(this.events, asked.map((a) => ({ partition: a.events, at: a.at })));
    // Read after the segmenter's progress: every enriched record of an event before the deadline is below this end.
    const wanted = [...new Set(asked.filter((_, i) => segmented[i]).map((a) => a.enriched))];
    const [ends, evaluated] = await Promise.all([this.progress.endOffsets(this.enriched.topic, wanted), this.progress.committed(this.enriched.groupId, this.enriched.topic, wanted)]);
    const now = Date.now();
    for (const [key, { at }] of this.required) if (now - at > REMEMBER_MS) this.required.delete(key);
    const decided = new Map<string, boolean>();
    const answers = asked.map((a, i) => {
      if (!segmented[i]) return { reached: false, partition: a.events };
      const key = `${a.events}:${a.enriched}:${a.at}`;
      let reached = decided.get(key);
      if (reached === undefined) {
        let required = this.required.get(key);
        if (!required) this.required.set(key, (required = { offset: ends.get(a.enriched)!, at: now }));
        decided.set(key, (reached = evaluated.get(a.enriched)! >= required.offset));
      }
      return { reached, partition: a.enriched };
    });
    for (const [key, reached] of decided) if (reached) this.required.delete(key);
    return answers;
  }

  /**
   * Whether the stage's group has committed past the first record appended at or after each
   * time. Offsets only grow with time, so a partition's earliest and latest times settle most
   * polls in one offset fetch and one list-offsets pair: all passed (caught up) or none
   * (lagging). Only a partition in between (catching up) has its other times looked up.
   */
  private async passed(stage: Stage, asked: readonly { partition: number; at: number }[]): Promise<boolean[]> {
    const times = new Map<number, number[]>();
    for (const { partition, at } of asked) times.set(partition, [...new Set([...(times.get(partition) ?? []), at])].sort((a, b) => a - b));
    const bounds = new Map([...times].map(([p, t]) => [p, [...new Set([t[0], t[t.length - 1]])]]));
    const [offsets, committed] = await Promise.all([this.progress.offsetsAt(stage.topic, bounds), this.progress.committed(stage.groupId, stage.topic, [...times.keys()])]);
    const settled = (p: number): boolean | undefined => {
      const t = times.get(p)!;
      if (committed.get(p)! >= offsets.get(p)!.get(t[t.length - 1])!) return true;
      if (committed.get(p)! < offsets.get(p)!.get(t[0])!) return false;
      return undefined;
    };
    const between = new Map([...times].filter(([p]) => settled(p) === undefined).map(([p, t]) => [p, t.slice(1, -1)]));
    for (const [p, found] of await this.progress.offsetsAt(stage.topic, between)) for (const [at, offset] of found) offsets.get(p)!.set(at, offset);
    return asked.map(({ partition, at }) => settled(partition) ?? committed.get(partition)! >= offsets.get(partition)!.get(at)!);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.progress.close();
  }
}
