import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { Topics, type WebhookRequest, type WebhookRetry } from '@cuewire/contracts';
import { AvroSerde, recordOutput, TypedProducer, type KafkaSettings } from '@cuewire/kafka';
import { KAFKA_SETTINGS, TOPICS_READY, toLoopLogger } from '@cuewire/kafka-nest';
import { APP_CONFIG, ReadinessRegistry, type BaseEnv } from '@cuewire/platform';
import { DeliveryExecutor } from '../deliveries/delivery.executor.js';
import type { DispatcherEnv } from '../dispatcher.env.js';
import { DELAY_TIERS, releaseAt, tierFor } from './delay-tiers.js';
import { DeliveryStream } from './delivery.stream.js';

/**
 * Runs one DeliveryStream on the requests topic and one per delay tier, each its own consumer
 * group, so a tier waiting for its head record never holds the requests topic or other tiers.
 */
@Injectable()
export class DeliveryPipelineHost implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryPipeline');
  private readonly streams: DeliveryStream<unknown>[] = [];

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(TOPICS_READY) _topicsReady: true,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv & BaseEnv,
    private readonly serde: AvroSerde,
    private readonly producer: TypedProducer,
    private readonly executor: DeliveryExecutor,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.add({
      name: 'delivery-pipeline',
      check: async () => {
        const stopped = this.streams.filter((s) => !s.isRunning).length;
        if (stopped > 0) throw new Error(`${stopped} delivery stream(s) not running`);
        return { streams: this.streams.length };
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const common = { settings: this.settings, serde: this.serde, logger: toLoopLogger(this.logger), maxPending: this.config.DISPATCH_MAX_PENDING };
    const group = (name: string) => `${this.config.KAFKA_GROUP_PREFIX}.${name}`;
    const undecodable = (source: string) => async (m: { topic: string; partition: number; offset: bigint; key: string | null; value: Buffer | null }, reason: string) =>
      this.producer.send([
        recordOutput(Topics.deadLetters, m.key ?? '', {
          sourceTopic: m.topic,
          sourcePartition: m.partition,
          sourceOffset: String(m.offset),
          consumerGroup: group(source),
          key: m.key == null ? null : Buffer.from(m.key),
          value: m.value,
          reason,
          stage: 'decode',
          failedAt: Date.now(),
        }),
      ]);
    this.streams.push(
      new DeliveryStream<WebhookRequest>({
        ...common,
        groupId: group('dispatcher'),
        topic: Topics.webhookRequests,
        process: (request) => this.executor.execute({ request, history: [] }),
        undecodable: undecodable('dispatcher'),
      }) as DeliveryStream<unknown>,
    );
    for (const tier of DELAY_TIERS) {
      const name = `dispatcher-${tier.topic.name.split('.')[2]}`;
      this.streams.push(
        new DeliveryStream<WebhookRetry>({
          ...common,
          groupId: group(name),
          topic: tier.topic,
          startAt: (value, appendedAt) => releaseAt(tier, value.request.notBefore, appendedAt),
          process: (value) => this.release(value),
          undecodable: undecodable(name),
        }) as DeliveryStream<unknown>,
      );
    }
    await Promise.all(this.streams.map((s) => s.start()));
    this.logger.log(`consuming ${Topics.webhookRequests.name} and ${DELAY_TIERS.length} delay tiers`);
  }

  /** A record leaving its tier: due now → attempt; not yet (longer wait) → the next tier. */
  private async release(value: WebhookRetry): Promise<void> {
    const remaining = value.request.notBefore - Date.now();
    if (remaining > 50) return this.producer.send([recordOutput(tierFor(remaining).topic, value.request.customerId, value)]);
    return this.executor.execute({ request: value.request, history: value.history });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.streams.map((s) => s.stop()));
  }
}
