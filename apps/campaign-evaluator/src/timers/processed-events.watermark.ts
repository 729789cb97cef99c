import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@cuewire/contracts';
import { ConsumerProgress, partitionForKey, physicalTopic, type KafkaSettings } from '@cuewire/kafka';
import { consumerGroupId, KAFKA_SETTINGS } from '@cuewire/kafka-nest';
import { APP_CONFIG, type BaseEnv } from '@cuewire/platform';
import { EVALUATOR_GROUP } from '../consumer-group.js';

export interface Deadline {
  readonly customerId: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Deadlines are looked up at whole seconds (rounded up: never earlier), so a poll's timers share lookups. */
const STEP_MS = 1_000;

/**
 * Has the evaluator processed a customer's enriched events up to a deadline? True when its
 * consumer group's committed offset on the customer's partition has reached the first record
 * appended at or after the deadline. A "not followed by" timer fires only then: a lagging
 * evaluator must not tell a customer "you didn't" while their B waits unread in the topic.
 */
@Injectable()
export class ProcessedEventsWatermark implements OnApplicationShutdown {
  private readonly progress: ConsumerProgress;
  private readonly topic: string;
  private readonly groupId: string;

  constructor(@Inject(KAFKA_SETTINGS) settings: KafkaSettings, @Inject(APP_CONFIG) config: BaseEnv) {
    this.progress = new ConsumerProgress(settings);
    this.topic = physicalTopic(settings, Topics.enrichedEvents);
    this.groupId = consumerGroupId(config.KAFKA_GROUP_PREFIX, EVALUATOR_GROUP);
  }

  /**
   * For each deadline, whether it is reached (and on which partition). Offsets only grow with
   * time, so a partition's earliest and latest deadlines settle most polls in one offset fetch
   * and one list-offsets pair: all reached (caught up) or none (lagging). Only a partition in
   * between (catching up) has its other deadlines looked up.
   */
  async reached(deadlines: readonly Deadline[]): Promise<{ reached: boolean; partition: number }[]> {
    if (deadlines.length === 0) return [];
    const partitions = await this.progress.partitionCount(this.topic);
    const asked = deadlines.map((d) => ({ partition: partitionForKey(d.customerId, partitions), at: Math.ceil(d.at / STEP_MS) * STEP_MS }));
    const times = new Map<number, number[]>();
    for (const { partition, at } of asked) times.set(partition, [...new Set([...(times.get(partition) ?? []), at])].sort((a, b) => a - b));
    const bounds = new Map([...times].map(([p, t]) => [p, [...new Set([t[0], t[t.length - 1]])]]));
    const [offsets, committed] = await Promise.all([this.progress.offsetsAt(this.topic, bounds), this.progress.committed(this.groupId, this.topic, [...times.keys()])]);
    const settled = (p: number): boolean | undefined => {
      const t = times.get(p)!;
      if (committed.get(p)! >= offsets.get(p)!.get(t[t.length - 1])!) return true;
      if (committed.get(p)! < offsets.get(p)!.get(t[0])!) return false;
      return undefined;
    };
    const between = new Map([...times].filter(([p]) => settled(p) === undefined).map(([p, t]) => [p, t.slice(1, -1)]));
    for (const [p, found] of await this.progress.offsetsAt(this.topic, between)) for (const [at, offset] of found) offsets.get(p)!.set(at, offset);
    return asked.map(({ partition, at }) => ({ partition, reached: settled(partition) ?? committed.get(partition)! >= offsets.get(partition)!.get(at)! }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.progress.close();
  }
}
