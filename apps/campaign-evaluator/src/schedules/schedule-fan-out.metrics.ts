import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import { CampaignCatalog } from '../catalog/campaign.catalog.js';
import { ScheduleProgressRepository } from './schedule-progress.repository.js';

interface FanOutProgress {
  readonly campaign: string;
  /** Audience members written for the slot being fanned out (0 when none is). */
  readonly done: number;
  /** The audience's size now (0 when no slot is being fanned out). */
  readonly total: number;
  /** The last slot fanned out completely, epoch seconds (0: none yet). */
  readonly lastDone: number;
}

const sources = new Set<ScheduleFanOutMetrics>();

function gauge(name: string, help: string, pick: (p: FanOutProgress) => number): Gauge {
  return new Gauge({
    name,
    help,
    labelNames: ['campaign'],
    async collect() {
      this.reset();
      for (const source of sources) for (const p of await source.read()) this.set({ campaign: p.campaign }, pick(p));
    },
  });
}

gauge('cuewire_schedule_fan_out_members_done', 'Scheduled campaigns: audience members fanned out so far for the slot in progress (0 when none is)', (p) => p.done);
gauge('cuewire_schedule_fan_out_members_total', 'Scheduled campaigns: audience size of the slot in progress (0 when none is)', (p) => p.total);
gauge('cuewire_schedule_last_slot_done_timestamp_seconds', 'Scheduled campaigns: the last slot whose fan-out completed (Unix time; 0 when none yet)', (p) => p.lastDone);

/** Schedule fan-out progress for Prometheus, from the progress the fan-out itself keeps in Redis. */
@Injectable()
export class ScheduleFanOutMetrics implements OnModuleInit, OnModuleDestroy {
  private reading?: Promise<FanOutProgress[]>;

  constructor(
    private readonly catalog: CampaignCatalog,
    private readonly progress: ScheduleProgressRepository,
    private readonly redis: RedisConnection,
  ) {}

  onModuleInit(): void {
    sources.add(this);
  }

  onModuleDestroy(): void {
    sources.delete(this);
  }

  /** One Redis read serves the three gauges of a scrape (they are collected together). */
  read(): Promise<FanOutProgress[]> {
    this.reading ??= this.readNow().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readNow(): Promise<FanOutProgress[]> {
    const scheduled = [...this.catalog.all()].filter((c) => c.trigger.type === 'schedule' && c.audience);
    return Promise.all(
      scheduled.map(async (campaign) => {
        const state = await this.progress.get(campaign.id);
        const members = RedisKeys.segmentMembers(campaign.audience!.segmentId);
        const inProgress = state.slot !== undefined;
        const [done, total] = inProgress
          ? await Promise.all([state.after ? this.redis.client.zlexcount(members, '-', `[${state.after}`) : 0, this.redis.client.zcard(members)])
          : [0, 0];
        return { campaign: campaign.id, done, total, lastDone: (state.lastDone ?? 0) / 1000 };
      }),
    );
  }
}
