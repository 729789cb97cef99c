import { Inject, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { AvroSerde, CompactedTopicView, type KafkaSettings } from '@cuewire/kafka';
import { ReadinessRegistry } from '@cuewire/platform';
import { KAFKA_SETTINGS, TOPICS_READY, toLoopLogger } from './kafka.tokens.js';

/**
 * The control-plane objects (campaigns, webhooks, segments), materialized from their
 * compacted topics and followed live. Start-up waits until each view has caught up.
 */
@Injectable()
export class ConfigViews implements OnModuleInit, OnApplicationShutdown {
  readonly campaigns: CompactedTopicView<ConfigRecord>;
  readonly webhooks: CompactedTopicView<ConfigRecord>;
  readonly segments: CompactedTopicView<ConfigRecord>;
  private readonly logger = new Logger('ConfigViews');

  constructor(
    @Inject(KAFKA_SETTINGS) settings: KafkaSettings,
    @Inject(TOPICS_READY) _topicsReady: true,
    serde: AvroSerde,
    private readonly readiness: ReadinessRegistry,
  ) {
    const log = toLoopLogger(this.logger);
    this.campaigns = new CompactedTopicView(Topics.campaignConfig, settings, serde, log);
    this.webhooks = new CompactedTopicView(Topics.webhookConfig, settings, serde, log);
    this.segments = new CompactedTopicView(Topics.segmentConfig, settings, serde, log);
  }

  private get all() {
    return [this.campaigns, this.webhooks, this.segments];
  }

  async onModuleInit(): Promise<void> {
    this.readiness.add({
      name: 'config-views',
      check: async () => {
        const lagging = this.all.filter((view) => !view.isFollowing).length;
        if (lagging > 0) throw new Error(`${lagging} config view(s) reconnecting: config may be stale`);
        return { views: this.all.length };
      },
    });
    await Promise.all(this.all.map((view) => view.start()));
    await Promise.all(this.all.map((view) => view.ready));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.all.map((view) => view.stop()));
  }
}

/** Import where a service needs control-plane config (needs KafkaModule). */
@Module({ providers: [ConfigViews], exports: [ConfigViews] })
export class ConfigViewsModule {}
