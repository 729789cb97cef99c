import { Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, ReadinessRegistry, type BaseEnv } from '@cuewire/platform';

/** The process's Redis connection; every key gets the install's REDIS_KEY_PREFIX. */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(APP_CONFIG) config: BaseEnv, private readonly readiness: ReadinessRegistry) {
    // Auto-pipelining: commands issued in one event-loop tick leave in one write (hot paths issue several at once).
    this.client = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  }

  async onModuleInit(): Promise<void> {
    await this.client.connect();
    this.readiness.add({ name: 'redis', check: async () => void (await this.client.ping()) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
