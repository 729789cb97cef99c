import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { RecordHeaders, Topics, type WebhookRequest, type WebhookRetry } from '@cuewire/contracts';
import { AvroSerde, ConsumeLoop, recordOutput, TypedProducer, type KafkaSettings } from '@cuewire/kafka';
import { consumeLoopsProbe, KAFKA_SETTINGS, TOPICS_READY, toLoopLogger } from '@cuewire/kafka-nest';
import { APP_CONFIG, DURABLE_STATE, ReadinessRegistry, type BaseEnv, type DurableState } from '@cuewire/platform';
import { DeliveryBatches } from '../batches/delivery-batches.js';
import { DeliveryExecutor } from '../deliveries/delivery.executor.js';
import type { DispatcherEnv } from '../dispatcher.env.js';
import { DELAY_TIERS, releaseAt, tierFor } from './delay-tiers.js';

/** How long a delay tier's fetch waits for records (ten idle fetches a second per tier at the requests topic's 100 ms). */
const TIER_MAX_WAIT_MS = 1_000;

/**
 * Runs the shared at-least-once loop (libs/kafka ConsumeLoop) on the requests topic and on each
 * delay tier, each its own consumer group, so a tier waiting for its head record never holds
 * the requests topic or other tiers. Deliveries run unordered (`ordering: 'none'`): a slow
 * receiver holds only its own requests, and offsets are still committed only up to the
 * contiguous prefix of records whose outcome is durable.
 */
@Injectable()
export class DeliveryPipelineHost implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryPipeline');
  private readonly loops: ConsumeLoop<unknown>[] = [];

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(TOPICS_READY) _topicsReady: true,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv & BaseEnv,
    private readonly serde: AvroSerde,
    private readonly producer: TypedProducer,
    private readonly executor: DeliveryExecutor,
    private readonly batches: DeliveryBatches,
    private readonly readiness: ReadinessRegistry,
    @Inject(DURABLE_STATE) private readonly durable: DurableState,
  ) {}

  onModuleInit(): void {
    this.readiness.add(consumeLoopsProbe('delivery-pipeline', () => this.loops));
  }

  async onApplicationBootstrap(): Promise<void> {
    const common = {
      settings: this.settings,
      serde: this.serde,
      producer: this.producer,
      logger: toLoopLogger(this.logger),
      maxInFlight: this.config.DISPATCH_MAX_PENDING,
      // A delivery may legitimately wait for its endpoint's slot or its retry for a while.
      stuckAfterMs: Math.max(this.config.KAFKA_STUCK_AFTER_MS, 5 * 60_000),
      maxWaitTime: 100,
      // Offsets are committed only once the deliveries' Redis writes (marks, leases) are on a
      // replica, and deliveries are handled again when some may have been lost to a failover.
      durableState: this.durable,
    };
    const group = (name: string) => `${this.config.KAFKA_GROUP_PREFIX}.${name}`;
    this.loops.push(
      new ConsumeLoop<WebhookRequest>({
        ...common,
        // Requests are keyed by customer; `customer` ordering keeps each customer's deliveries to
        // one webhook in order, while deliveries to other webhooks do not wait for them.
        ordering: this.config.DISPATCH_ORDERING === 'customer' ? 'key' : 'none',
        // A batch item completes only with its batch: ordered, a customer would get one item per batch.
        orderingKey: ({ key, headers }) => (headers?.get(RecordHeaders.batchItem) ? null : `${key ?? ''}\u0000${headers?.get(RecordHeaders.webhookId) ?? ''}`),
        groupId: group('dispatcher'),
        topics: [Topics.webhookRequests],
        handler: async ({ value }) => {
          if (value) await this.executor.execute({ request: value, history: [] });
        },
      }) as ConsumeLoop<unknown>,
    );
    for (const tier of DELAY_TIERS) {
      this.loops.push(
        new ConsumeLoop<WebhookRetry>({
          ...common,
          // A fetch answers as soon as a record arrives, so the wait only bounds how often an idle
          // tier asks again; its records are due a second or more after their append anyway.
          maxWaitTime: TIER_MAX_WAIT_MS,
          ordering: 'none',
          groupId: group(`dispatcher-${tier.topic.name.split('.')[2]}`),
          topics: [tier.topic],
          startAt: ({ value, timestamp }) => (value ? releaseAt(tier, value.request.notBefore, timestamp) : 0),
          handler: async ({ value }) => {
            if (value) await this.release(value);
          },
        }) as ConsumeLoop<unknown>,
      );
    }
    await Promise.all(this.loops.map((loop) => loop.start()));
    this.logger.log(`consuming ${Topics.webhookRequests.name} and ${DELAY_TIERS.length} delay tiers`);
  }

  /** A record leaving its tier: due now → attempt; not yet (longer wait) → the next tier. */
  private async release(value: WebhookRetry): Promise<void> {
    const remaining = value.request.notBefore - Date.now();
    if (remaining > 50) return this.producer.send([recordOutput(tierFor(remaining).topic, value.request.customerId, value)]);
    return this.executor.execute({ request: value.request, history: value.history });
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Batches being collected go out now, so their items complete within the loops' drain.
    this.batches.close();
    await Promise.all(this.loops.map((loop) => loop.stop()));
  }
}
