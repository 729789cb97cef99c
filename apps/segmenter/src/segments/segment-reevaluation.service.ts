import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { segmentsOf } from '@cuewire/campaigns';
import { APP_CONFIG, type BaseEnv } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { SegmentCatalog } from './segment.catalog.js';
import { SegmentMembershipRepository } from './segment-membership.repository.js';

/**
 * When a segment is created, changed or deleted, every stored profile is re-evaluated in the
 * background (profile updates keep membership current in between). Idempotent: replicas
 * doing it at once only repeat work. A newer change restarts the scan.
 */
@Injectable()
export class SegmentReevaluationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SegmentReevaluation');
  private generation = 0;
  private scan?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly catalog: SegmentCatalog,
    private readonly membership: SegmentMembershipRepository,
    private readonly redis: RedisConnection,
    @Inject(APP_CONFIG) private readonly config: BaseEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.catalog.config.segments.on('change', () => this.requestScan());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.scan;
  }

  requestScan(): void {
    const generation = ++this.generation;
    // Let a burst of changes settle, then scan once with the latest definitions.
    setTimeout(() => {
      if (generation !== this.generation || this.stopped) return;
      this.scan = (this.scan ?? Promise.resolve()).then(() => this.rescan(generation)).catch((err) => this.logger.error({ err }, 're-evaluation failed'));
    }, 200);
  }

  private async rescan(generation: number): Promise<void> {
    const prefix = this.config.REDIS_KEY_PREFIX;
    const segments = [...this.catalog.all()];
    const known = new Set(segments.map((s) => s.id));
    let cursor = '0';
    let profiles = 0;
    do {
      // SCAN's MATCH is not prefixed by ioredis, and the keys it returns carry the prefix.
      const [next, keys] = await this.redis.client.scan(cursor, 'MATCH', prefix + RedisKeys.profilePattern(), 'COUNT', 500);
      cursor = next;
      const unprefixed = keys.map((k) => k.slice(prefix.length));
      const values = unprefixed.length > 0 ? await this.redis.client.mget(...unprefixed) : [];
      for (const [i, key] of unprefixed.entries()) {
        const customerId = key.slice('profile:{'.length, -1);
        await this.membership.set(customerId, segmentsOf(segments, JSON.parse(values[i] ?? '{}')), known);
        profiles++;
      }
    } while (cursor !== '0' && generation === this.generation && !this.stopped);
    this.logger.log(`re-evaluated ${profiles} profiles against ${segments.length} segments`);
  }
}
