import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { segmentsOf } from '@cuewire/campaigns';
import { ProfileRepository } from '../profiles/profile.repository.js';
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
    private readonly profiles: ProfileRepository,
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
    const segments = [...this.catalog.all()];
    const known = new Set(segments.map((s) => s.id));
    let profiles = 0;
    for await (const page of this.profiles.pages()) {
      for (const [customerId, json] of page) {
        await this.membership.set(customerId, segmentsOf(segments, JSON.parse(json)), known);
        profiles++;
      }
      if (generation !== this.generation || this.stopped) break;
    }
    this.logger.log(`re-evaluated ${profiles} profiles against ${segments.length} segments`);
  }
}
