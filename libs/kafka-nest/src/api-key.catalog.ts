import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { authenticateRequest, sha256Hex, storedApiKeySchema, type ApiKeyAuthentication, type ApiKeysEnv, type CredentialHeaders, type StoredApiKey } from '@cuewire/api-keys';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { AvroSerde, CompactedTopicView, type KafkaSettings } from '@cuewire/kafka';
import { APP_CONFIG, ReadinessRegistry } from '@cuewire/platform';
import { KAFKA_SETTINGS, TOPICS_READY, toLoopLogger } from './kafka.tokens.js';
import { ParsedConfigCatalog } from './parsed-config.catalog.js';

/**
 * The API keys this process accepts: its view of the api-keys topic (so a key created, rotated
 * or revoked anywhere takes effect here as soon as the view has the record) and the bootstrap
 * key from CUEWIRE_ADMIN_KEY, kept only as a digest. Start-up waits until the view has caught up.
 */
@Injectable()
export class ApiKeyCatalog implements OnModuleInit, OnApplicationShutdown {
  /** The control plane writes through this view (read-your-writes). */
  readonly view: CompactedTopicView<ConfigRecord>;
  private readonly keys: ParsedConfigCatalog<StoredApiKey>;
  private readonly bootstrapDigest: string | null;
  private readonly logger = new Logger('ApiKeys');

  constructor(
    @Inject(KAFKA_SETTINGS) settings: KafkaSettings,
    @Inject(TOPICS_READY) _topicsReady: true,
    serde: AvroSerde,
    @Inject(APP_CONFIG) config: ApiKeysEnv,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.view = new CompactedTopicView(Topics.apiKeyConfig, settings, serde, toLoopLogger(this.logger));
    this.keys = new ParsedConfigCatalog(this.view, (record) => storedApiKeySchema.parse(JSON.parse(record.body)), this.logger);
    this.bootstrapDigest = config.CUEWIRE_ADMIN_KEY ? sha256Hex(config.CUEWIRE_ADMIN_KEY) : null;
  }

  async onModuleInit(): Promise<void> {
    // A replica that cannot follow the keys topic may still accept a revoked key: not ready.
    this.readiness.add({
      name: 'api-keys',
      check: async () => {
        if (!this.view.isFollowing) throw new Error('API key view reconnecting: a revoked key may still be accepted here');
        return { following: true };
      },
    });
    await this.view.start();
    await this.view.ready;
    if (this.bootstrapDigest === null) {
      const stored = [...this.keys.all()].length;
      this.logger.warn(
        stored === 0
          ? 'CUEWIRE_ADMIN_KEY is not set and no API key exists: every request that needs a key is answered 401. Set CUEWIRE_ADMIN_KEY to create the first keys.'
          : `CUEWIRE_ADMIN_KEY is not set: only the ${stored} API key(s) created through the control plane are accepted`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.view.stop();
  }

  get(id: string): StoredApiKey | undefined {
    return this.keys.get(id);
  }

  /** Who the request's headers say is calling, or why they do not say it well enough. */
  authenticate(headers: CredentialHeaders, now = Date.now()): ApiKeyAuthentication {
    return authenticateRequest(headers, { bootstrapDigest: this.bootstrapDigest, find: (id) => this.keys.get(id) }, now);
  }
}
